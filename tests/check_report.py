#!/usr/bin/env python3
"""`phs report` end to end (meson test `report-browser`).

1. The CSV and JSON renderings of examples/visits.csv hold the same numbers.
2. The HTML page is self-contained: no URL to fetch, a Content-Security-Policy
   that forbids every fetch and script.
3. In headless Chromium (Debian's `chromium`), offline: the page loads with no
   console message at all (CSP violations, failed loads and script errors are
   all console messages), and the DOM Chromium built has, in its SVG charts and
   tables, exactly the numbers of the CSV: every indicator's numerator,
   denominator, undecided count and percentage, every tier count, every
   transition, every overdue follow-up and the calendar's count per due date
   (and the undecided and excluded counts).
   A control page with a blocked image and a script is run first, so a
   Chromium that stopped reporting console messages fails the test instead of
   passing it.

4. Bad usage exits 2 with a message; a record without an id is named on stderr,
   the other records are reported and the exit status is 1.

Exit 77 (meson: skipped) only when no chromium is installed (1, 2 and 4 ran).

usage: check_report.py PHS RULES VISITS [CHROMIUM]
"""
import collections
import csv
import html.parser
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

PERIOD = "2024"


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return p.stdout


def csv_numbers(text):
    ind, tiers, trans, overdue = {}, {}, {}, []
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["kind", "program", "name", "detail", "value"], rows[0]
    for kind, program, name, detail, value in rows[1:]:
        if kind == "indicator":
            ind.setdefault(name, {"program": program or None})[detail] = value
        elif kind == "tier":
            tiers[(program, name)] = int(value)
        elif kind == "transition":
            trans[(program, name, detail)] = int(value)
        elif kind == "overdue":
            overdue.append((name, program, detail, int(value)))
        else:
            assert kind == "period", kind
    return ind, tiers, trans, overdue


def check_csv_json(csv_text, json_text):
    ind, tiers, trans, overdue = csv_numbers(csv_text)
    j = json.loads(json_text)
    assert [i["id"] for i in j["indicators"]] == list(ind), "indicator order"
    for i in j["indicators"]:
        c = ind[i["id"]]
        assert c["program"] == i["program"], i["id"]
        for k in ("numerator", "denominator", "undecided", "excluded"):
            assert int(c[k]) == i[k], (i["id"], k, c[k], i[k])
        for k in ("rate", "target"):
            want = "" if i[k] is None else f"{i[k]:.4f}"
            assert c[k] == want, (i["id"], k, c[k], want)
    jt = {(p, t): n for p, v in j["programs"].items() for t, n in v["tiers"].items()}
    assert jt == tiers, "tier counts differ between CSV and JSON"
    jtr = {(p, x["from"], x["to"]): x["count"]
           for p, v in j["programs"].items() for x in v["transitions"]}
    assert jtr == trans, "transitions differ between CSV and JSON"
    jo = [(o["id"], o["program"], o["due"], o["days"]) for o in j["overdue"]]
    assert jo == overdue, "overdue lists differ between CSV and JSON"
    return ind, tiers, trans, overdue


def check_self_contained(page):
    low = page.lower()
    for bad in ("src=", "href=", "url(", "@import", "http://", "https://",
                "<script", "<link", "<iframe", "<object"):
        assert bad not in low, f"the page contains {bad!r}"
    assert "content-security-policy" in low and "default-src 'none'" in low


class Dom(html.parser.HTMLParser):
    """The parts of the DOM the charts carry numbers in."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.indicators = {}
        self.tiers, self.trans, self.calendar = {}, {}, {}
        self.overdue_rows, self.row = [], None
        self.program = None
        self.in_overdue_table = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a))
        cls = a.get("class", "")
        if tag == "g" and cls == "indicator":
            self.indicators[a["data-id"]] = dict(a, text="")
        if tag == "g" and cls in ("tiers", "transitions"):
            self.program = a["data-program"]
        if tag == "rect" and "data-tier" in a:
            self.tiers[(self.program, a["data-tier"])] = int(a["data-count"])
        if tag == "rect" and "data-from" in a:
            key = (self.program, a["data-from"], a["data-to"])
            self.trans[key] = int(a["data-count"])
        if tag == "rect" and "data-date" in a:
            self.calendar[a["data-date"]] = int(a["data-count"])
        if tag == "table" and cls == "overdue":
            self.in_overdue_table = True
        if tag == "tr" and self.in_overdue_table:
            self.row = []

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "table":
            self.in_overdue_table = False
        if tag == "tr" and self.row is not None:
            if self.row and not self.row[0].startswith("resident"):
                self.overdue_rows.append(tuple(self.row))
            self.row = None

    def handle_data(self, data):
        for t, a in reversed(self.stack):
            if t == "g" and a.get("class") == "indicator":
                self.indicators[a["data-id"]]["text"] += data
                break
        if self.row is not None and self.stack and self.stack[-1][0] in ("td", "th"):
            self.row.append(data)


def percent(num, den):
    """The page's percentage: one decimal, rounded half up from integers."""
    v = (num * 2000 // den + 1) // 2
    return f"{v // 10}.{v % 10} %"


def check_dom(dom_text, ind, tiers, trans, overdue):
    d = Dom()
    d.feed(dom_text)
    assert list(d.indicators) == list(ind), "indicators in the page"
    for iid, c in ind.items():
        g = d.indicators[iid]
        num, den, und = int(c["numerator"]), int(c["denominator"]), int(c["undecided"])
        exc = int(c["excluded"])
        assert (int(g["data-numerator"]), int(g["data-denominator"]),
                int(g["data-undecided"]), int(g["data-excluded"])) == \
            (num, den, und, exc), iid
        assert f"({num} / {den})" in g["text"], (iid, g["text"])
        if den:
            assert percent(num, den) in g["text"], (iid, g["text"])
            # the CSV's rate and the page's percentage are the same number
            assert abs(float(c["rate"]) * 100 - float(percent(num, den)[:-2])) <= 0.051
        if und:
            assert f"undecided {und}" in g["text"], (iid, g["text"])
        if exc:
            assert f"excluded {exc}" in g["text"], (iid, g["text"])
    assert d.tiers == tiers, "tier counts in the page differ from the CSV"
    nonzero = {k: v for k, v in d.trans.items() if v}
    assert nonzero == trans, "transitions in the page differ from the CSV"
    per_day = collections.Counter(due for _, _, due, _ in overdue
                                  if due >= f"{PERIOD}-01-01")
    assert {k: v for k, v in d.calendar.items() if v} == dict(per_day), \
        "the overdue calendar differs from the CSV"
    assert len(d.calendar) == 366, "one calendar cell per day of 2024"
    rows = [(r[0], r[1], r[3], int(r[4])) for r in d.overdue_rows]
    assert rows == overdue, "the overdue list differs from the CSV"
    return len(d.indicators), sum(tiers.values()), len(overdue)


def chromium(binary, page, workdir):
    """Dump the DOM of a page, offline; returns (dom, console messages)."""
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--user-data-dir=" + os.path.join(workdir, "profile"),
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
           "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + page]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if p.returncode != 0:
        sys.exit(f"chromium failed ({p.returncode}):\n{p.stderr}")
    console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l]
    return p.stdout, console


def write_file(folder, name, text):
    """Write text (UTF-8) to folder/name; returns the path."""
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def check_usage_and_bad_records(phs, rules):
    """Bad usage exits 2 with a message; a record that cannot be used is
    named on stderr, the others are reported, and the exit status is 1."""
    for args, msg in ((["--format", "csv"], "give the reporting period"),
                      (["--period", "2024-13-01:2024-12-31"], "--period"),
                      (["--period", "2024-12-31:2024-01-01"], "--period"),
                      (["--period", "2024", "--format", "pdf"], "--format")):
        p = subprocess.run([phs, "report", "--rules", rules] + args + ["-"],
                           input="", capture_output=True, text=True, check=False)
        assert p.returncode == 2 and msg in p.stderr, (args, p.returncode, p.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_file(tmp, "v.csv",
                          "id,visit_date,age,diagnoses,sbp,dbp,followup_mode\n"
                          "a,2024-03-01,60,I10,130,80,clinic\n"
                          ",2024-04-01,60,I10,130,80,clinic\n"
                          "b,2024-05-01,60,I10,150,95,clinic\n")
        p = subprocess.run([phs, "report", "--rules", rules, "--period", "2024",
                            "--format", "csv", path],
                           capture_output=True, text=True, check=False)
        assert p.returncode == 1, (p.returncode, p.stderr)
        assert "record 2" in p.stderr and "id" in p.stderr, p.stderr
        ind, _, _, _ = csv_numbers(p.stdout)
        assert ind["htn_bp_control"]["denominator"] == "2", ind["htn_bp_control"]
        assert ind["htn_bp_control"]["numerator"] == "1", ind["htn_bp_control"]


def main():
    phs, rules, visits = sys.argv[1:4]
    check_usage_and_bad_records(phs, rules)
    base = [phs, "report", "--rules", rules, "--period", PERIOD]
    csv_text = run(base + ["--format", "csv", visits])
    json_text = run(base + ["--format", "json", visits])
    page = run(base + ["--format", "html", visits])
    ind, tiers, trans, overdue = check_csv_json(csv_text, json_text)
    check_self_contained(page)
    print(f"CSV and JSON agree: {len(ind)} indicators, {len(tiers)} tier counts, "
          f"{len(trans)} transitions, {len(overdue)} overdue follow-ups")

    binary = sys.argv[4] if len(sys.argv) > 4 else (
        shutil.which("chromium") or shutil.which("chromium-browser"))
    if not binary or not os.path.exists(binary):
        print("SKIP: no chromium found: the browser half of this test did not run "
              "(install Debian's chromium package; .ci/run does)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        control = write_file(
            tmp, "control.html",
            '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-'
            'Policy" content="default-src \'none\'"></head><body>'
            '<img src="https://example.invalid/x.png"><script>'
            'console.error("control")</script></body></html>')
        _, console = chromium(binary, control, tmp)
        assert len(console) >= 2, f"the control page's console was not seen: {console}"
        path = write_file(tmp, "report.html", page)
        dom, console = chromium(binary, path, tmp)
        assert not console, "console messages:\n" + "\n".join(console)
        n_ind, n_res, n_over = check_dom(dom, ind, tiers, trans, overdue)
    print(f"chromium: the page loads offline with no console message; its charts "
          f"hold the CSV's numbers ({n_ind} indicators, {n_res} tier counts, "
          f"{n_over} overdue follow-ups)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
