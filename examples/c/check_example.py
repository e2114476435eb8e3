#!/usr/bin/env python3
"""check_example.py EXE RULES SOURCE README: the C example prints the
hypertension tier and next due date of its resident (the hypertension
rules: 176/108 mmHg is uncontrolled, seen again in two weeks), and README
holds SOURCE verbatim."""
import os
import subprocess
import sys

exe, rules, source, readme = sys.argv[1:5]
env = dict(os.environ, PHS_RULES_DIR=rules)
out = subprocess.run([exe], capture_output=True, text=True, env=env)
if out.returncode != 0 or out.stdout != "uncontrolled 2024-06-15\n":
    sys.exit(f"{exe}: status {out.returncode}, printed {out.stdout!r}, "
             f"stderr {out.stderr!r}; want 'uncontrolled 2024-06-15'")
# with rules that do not load, the message and status 1
bad = subprocess.run([exe], capture_output=True, text=True,
                     env=dict(os.environ, PHS_RULES_DIR="/nonexistent"))
if bad.returncode != 1 or not bad.stderr.strip() or bad.stdout:
    sys.exit(f"{exe} without rules: status {bad.returncode}, "
             f"stderr {bad.stderr!r}")
with open(source, encoding="utf-8") as f:
    code = f.read()
with open(readme, encoding="utf-8") as f:
    if "```c\n" + code + "```\n" not in f.read():
        sys.exit(f"README.md does not hold {source} verbatim in a ```c block")
print(out.stdout.strip(), "- and README.md holds the example verbatim")
