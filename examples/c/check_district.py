#!/usr/bin/env python3
"""examples/c/district.c prints, per indicator, the numbers `phs report --format
csv` gives for the same visits and period (meson test example-c-district).

usage: check_district.py DISTRICT PHS RULES VISITS
"""
import csv
import io
import subprocess
import sys

district, phs, rules, visits = sys.argv[1:5]
out = subprocess.run([district, rules, visits, "2024-01-01", "2024-12-31"],
                     capture_output=True, text=True, check=True).stdout.splitlines()
rep = subprocess.run([phs, "report", "--rules", rules, "--period", "2024",
                      "--format", "csv", visits],
                     capture_output=True, text=True, check=True).stdout
want = {}
for kind, _, name, detail, value in list(csv.reader(io.StringIO(rep)))[1:]:
    if kind == "indicator" and detail in ("numerator", "denominator",
                                          "undecided", "excluded"):
        want.setdefault(name, {})[detail] = value
assert out[0].endswith("records refused") and " 0 records refused" in out[0], out[0]
lines = out[1:]
assert len(lines) == len(want), (lines, list(want))
for line, (iid, w) in zip(lines, want.items()):
    f = line.split()
    assert f[0] == iid, (line, iid)
    assert f[1] == f"{w['numerator']}/{w['denominator']}", (line, w)
    assert f[3] == w["undecided"] and f[5] == w["excluded"], (line, w)
    assert len(f) - 6 == min(3, int(w["undecided"])), line
print(f"district.c agrees with phs report on {len(lines)} indicators")
