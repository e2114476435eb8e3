#!/usr/bin/env python3
"""Every line `phs classify --format ndjson` writes is valid UTF-8 and JSON,
also for a record refused for invalid UTF-8 whose id itself is not UTF-8
(issue 9, defect 4: the error line echoed the raw id bytes).

usage: check_json_output.py PHS RULES RESIDENTS_CSV"""
import json
import os
import subprocess
import sys
import tempfile

phs, rules, residents = sys.argv[1:]
with open(residents, "rb") as f:
    lines = f.read().splitlines()
header, first = lines[0], lines[1]
bad = b"r\xff\xfe" + first[first.index(b","):]          # id not UTF-8
ctrl = b'"r\x01\\"q"' + first[first.index(b","):]      # control char, quote
with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as t:
    t.write(b"\n".join([header, first, bad, ctrl, first]) + b"\n")
try:
    out = subprocess.run([phs, "classify", "--rules", rules, "--as-of",
                          "2024-06-01", "--format", "ndjson", t.name],
                         capture_output=True)
finally:
    os.unlink(t.name)
objs = []
for n, line in enumerate(out.stdout.splitlines(), 1):
    try:
        objs.append(json.loads(line.decode("utf-8", errors="strict")))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        sys.exit(f"line {n} is not UTF-8 JSON ({e}): {line[:120]!r}")
if len(objs) != 4:
    sys.exit(f"{len(objs)} lines, want 4 (2 results, 2 errors): {out.stdout!r}")
errors = [o for o in objs if "error" in o]
if not errors or errors[0]["id"] not in ("r\ufffd\ufffd", None):
    sys.exit(f"the refused record's id: {errors[0] if errors else None}")
print(f"{len(objs)} lines, all UTF-8 JSON; refused id {errors[0]['id']!r}")
