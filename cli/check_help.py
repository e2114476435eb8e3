#!/usr/bin/env python3
"""The phs command's --help and the phs(1) page do not drift.

check_help.py GEN_HELP SOURCE PHS README MAIN_C

1. Every help text the command prints (`phs --help`, `phs CMD --help` for
   each command section of SOURCE) is exactly what GEN_HELP renders from
   SOURCE, and `phs help CMD` prints the same.
2. When scdoc and groff are installed, the page scdoc renders from SOURCE,
   formatted as text, holds every section of every help text word for word
   (scdoc's reading of the markup agrees with the generator's).
3. Every command of the dispatch table in MAIN_C has its section (and so
   its help from the page), and README names every command (as
   `phs CMD ...`), so that a newcomer reading it meets each one.
"""
import re
import shutil
import subprocess
import sys


def run(cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                          check=True).stdout


def words(text):
    # groff's typographic characters back to ASCII; hyphenation undone
    for a, b in (("\u2010", "-"), ("\u2212", "-"), ("\u2013", "-"),
                 ("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'),
                 ("\u201d", '"'), ("\u00a0", " "), ("\u2022", "-")):
        text = text.replace(a, b)
    text = re.sub(r"(\w)-\n\s+(\w)", r"\1\2", text)
    return text.split()


def contains(hay, needle):
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


def sections(help_text):
    """(heading, body) pairs of a help text: headings start at column 0."""
    out = []
    for line in help_text.splitlines():
        if line and not line[0].isspace():
            out.append((line, []))
        elif out:
            out[-1][1].append(line)
    return [(h, "\n".join(b)) for h, b in out]


def main(argv):
    gen, source, phs, readme, main_c = argv[1:6]
    py = sys.executable
    names = ["main"] + run([py, gen, source, "--list"]).split()
    bad = 0
    with open(main_c, encoding="utf-8") as f:
        table = re.findall(r'\{"([a-z-]+)", cmd_\w+, help_(\w+)\}', f.read())
    if not table:
        print(f"no command table found in {main_c}")
        bad += 1
    for name, helper in table:
        if name not in names or helper != name.replace("-", "_"):
            print(f"command {name} ({main_c}) has no section '# PHS "
                  f"{name.upper()}' in {source}")
            bad += 1
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    for name in names[1:]:
        if f"`phs {name}" not in text:
            print(f"README.md does not name the command `phs {name}`")
            bad += 1
    helps = {}
    for name in names:
        want = run([py, gen, source, "--text", name])
        helps[name] = want
        calls = [[phs, "--help"]] if name == "main" else \
            [[phs, name, "--help"], [phs, "help", name]]
        for call in calls:
            got = run(call)
            if got != want:
                print(f"{' '.join(call[1:])}: differs from {source}")
                bad += 1
    print(f"{len(names)} help texts equal their sections of {source}")

    scdoc, groff = shutil.which("scdoc"), shutil.which("groff")
    if not (scdoc and groff):
        print("scdoc or groff not installed: page text not compared")
        return 1 if bad else 0
    with open(source, encoding="utf-8") as f:
        roff = run([scdoc], f.read())
    page = words(run([groff, "-k", "-man", "-Tutf8", "-P-cbou", "-rLL=200n"],
                     roff))
    n = 0
    for name, text in helps.items():
        for heading, body in sections(text):
            n += 1
            if not contains(page, words(body)):
                print(f"{name} {heading}: the page (scdoc) and the help "
                      "(gen_help.py) read the source differently")
                bad += 1
    print(f"{n} sections found word for word in the page scdoc renders")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
