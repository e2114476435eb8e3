#!/usr/bin/env python3
"""Compare `phs classify --format csv` over the sample population with the
reviewed results in residents.golden.csv (the tables of
residents.expected.md, per resident and program).  Usage:
check_golden.py PHS RULES RESIDENTS.csv GOLDEN.csv"""
import csv
import subprocess
import sys

phs, rules, residents, golden = sys.argv[1:5]
out = subprocess.run([phs, "classify", "--rules", rules, "--as-of", "2024-06-01",
                      "--format", "csv", residents],
                     check=False, capture_output=True, text=True)
if out.returncode not in (0, 1):
    sys.exit(f"phs classify failed: {out.stderr}")
got = {(r["id"], r["program"]): r for r in csv.DictReader(out.stdout.splitlines())}
want = {(r["id"], r["program"]): r for r in csv.DictReader(open(golden, encoding="utf-8"))}
bad = 0
for key in sorted(set(got) | set(want)):
    g, w = got.get(key), want.get(key)
    if g != w:
        bad += 1
        print(f"{key}: got {g}, expected {w}")
print(f"{len(want) - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
