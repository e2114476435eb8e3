#!/usr/bin/env python3
"""Cross-language conformance: every embedded example of every spec through
C, Python and Java, with identical results required.

    conformance.py --rules DIR --phs build/cli/phs --java java \
                   --classpath libphs.jar:libphs-tests.jar

For each example (`examples:` of each rules/*.yaml: input, optional params,
expect), per program of the rule set:

  C       `phs classify` (the C reader and classifier) on the example's
          input as NDJSON, with the example's --param overrides; and
          `phs test -v` (phs_ruleset_test), which checks `expect`;
  Python  phs.Engine.classify(dict) on the input as PyYAML reads it;
  Java    org.libphs.Engine.classify(Map) on the same typed values
          (ConformanceMain, fed on standard input).

The three must agree on tier, next_due and flags for every program (or
refuse the input naming the same field).  Where `phs test` passes an
example, the agreed result must also match the example's `expect` (tier,
next_due, flags).  Ends with the line "N passed, N failed".
"""
import argparse
import datetime as dt
import glob
import json
import os
import subprocess
import sys
import tempfile

import yaml

import phs


def load_examples(rules):
    """[(key, program, params, input, expect)] in file order."""
    out = []
    for path in sorted(glob.glob(os.path.join(rules, "*.yaml"))):
        if os.path.basename(path) == "fields.yaml":
            continue
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        program = doc.get("program")
        for ex in doc.get("examples") or ():
            key = f"{os.path.basename(path)}:{ex['id']}"
            params = {f"{program}.{k}": v for k, v in (ex.get("params") or {}).items()}
            out.append((key, program, ex["id"], params, ex.get("input") or {}, ex.get("expect") or {}))
    return out


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def summarise(programs):
    """{program: (tier, next_due, flags)} from an NDJSON line's 'programs'
    (a refused input is {"refused": field})."""
    return {name: (p.get("tier"), p.get("next_due"), tuple(p.get("flags") or ()))
            for name, p in programs.items()}


# --------------------------------------------------------------------- C

def run_c(args, examples):
    results = {}
    groups = {}
    for ex in examples:
        groups.setdefault(tuple(sorted(ex[3].items())), []).append(ex)
    with tempfile.TemporaryDirectory() as tmp:
        for params, exs in groups.items():
            path = os.path.join(tmp, "in.ndjson")
            with open(path, "w", encoding="utf-8") as f:
                for ex in exs:
                    f.write(json.dumps({k: (v.isoformat() if isinstance(v, dt.date) else v)
                                        for k, v in ex[4].items()}, ensure_ascii=False) + "\n")
            cmd = [args.phs, "classify", "--rules", args.rules, "--as-of", "2024-06-01"]
            for name, value in params:
                cmd += ["--param", f"{name}={yaml_scalar(value)}"]
            r = subprocess.run(cmd + [path], capture_output=True, text=True)
            if r.returncode not in (0, 1):
                sys.exit(f"conformance: {' '.join(cmd)} failed: {r.stderr}")
            lines = r.stdout.splitlines()
            if len(lines) != len(exs):
                sys.exit(f"conformance: phs classify gave {len(lines)} lines for {len(exs)} records")
            for ex, line in zip(exs, lines):
                d = json.loads(line)
                if "error" in d:
                    results[ex[0]] = {"refused": d["error"].get("field")}
                else:
                    results[ex[0]] = summarise(d["programs"])
    # phs test -v: which examples pass their `expect` (phs_ruleset_test).
    r = subprocess.run([args.phs, "test", "-v", args.rules], capture_output=True, text=True)
    passed = set()
    for line in r.stdout.splitlines():
        if line.startswith("ok   "):
            passed.add(line[5:].strip())
    return results, passed


# ---------------------------------------------------------------- Python

def run_python(args, examples):
    engines = {}
    results = {}
    for key, _prog, _id, params, inp, _exp in examples:
        k = tuple(sorted(params.items()))
        if k not in engines:
            engines[k] = phs.Engine(args.rules, params=params)
        try:
            r = engines[k].classify(inp)
        except phs.Error as e:
            results[key] = {"refused": e.field}
            continue
        results[key] = {p.program: (p.tier, p.next_due.isoformat() if p.next_due else None,
                                    p.flags) for p in r}
    for e in engines.values():
        e.close()
    return results


# ------------------------------------------------------------------ Java

def java_value(v):
    if isinstance(v, bool):
        return "b", "true" if v else "false"
    if isinstance(v, (int, float)):
        return "n", repr(v)
    if isinstance(v, dt.date):
        return "d", v.isoformat()
    if isinstance(v, (list, tuple)):
        return "l", "\x1f".join(str(x) for x in v)
    return "s", str(v)


def run_java(args, examples):
    lines = []
    for key, _prog, _id, params, inp, _exp in examples:
        lines.append(f"E\t{key}")
        for name, value in sorted(params.items()):
            lines.append(f"P\t{name}\t{yaml_scalar(value)}")
        for field, value in inp.items():
            if value is None:
                continue
            kind, text = java_value(value)
            lines.append(f"F\t{field}\t{kind}\t{text}")
        lines.append(".")
    r = subprocess.run([args.java, "-cp", args.classpath, "org.libphs.ConformanceMain", args.rules],
                       input="\n".join(lines) + "\n", capture_output=True, text=True,
                       encoding="utf-8")
    if r.returncode != 0:
        sys.exit(f"conformance: Java runner failed ({r.returncode}):\n{r.stderr}")
    results = {}
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if f[1] == "ERROR":
            results[f[0]] = {"refused": None if f[2] == "-" else f[2]}
        else:
            prog = results.setdefault(f[0], {})
            prog[f[2]] = (None if f[3] == "-" else f[3], None if f[4] == "-" else f[4],
                          tuple(x for x in f[5].split(",") if x))
    return results


# ------------------------------------------------------------------ main

def expected_mismatch(expect, res, program):
    """What of tier/next_due/flags differs from the example's expect."""
    if "refused" in res:
        return f"refused (field {res['refused']})"
    if program not in res:
        return f"no result for {program}"
    tier, due, flags = res[program]
    diffs = []
    if "tier" in expect and expect["tier"] != tier:
        diffs.append(f"tier {tier} != {expect['tier']}")
    if "next_due" in expect:
        want = expect["next_due"]
        want = want.isoformat() if isinstance(want, dt.date) else want
        if want != due:
            diffs.append(f"next_due {due} != {want}")
    if "flags" in expect and sorted(expect["flags"] or ()) != sorted(flags):
        diffs.append(f"flags {list(flags)} != {expect['flags']}")
    return "; ".join(diffs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", required=True)
    ap.add_argument("--phs", required=True)
    ap.add_argument("--java", required=True)
    ap.add_argument("--classpath", required=True)
    args = ap.parse_args()

    examples = load_examples(args.rules)
    if not examples:
        sys.exit("conformance: no examples found")
    c, c_passed = run_c(args, examples)
    py = run_python(args, examples)
    java = run_java(args, examples)

    failed = 0
    not_expected = 0
    for key, program, ex_id, _params, _inp, expect in examples:
        got = {"C": c.get(key), "Python": py.get(key), "Java": java.get(key)}
        if got["C"] != got["Python"] or got["C"] != got["Java"]:
            failed += 1
            print(f"DIFF {key}:")
            for lang, res in got.items():
                print(f"  {lang:<6} {res}")
            continue
        if f"{program}/{ex_id}" in c_passed:
            why = expected_mismatch(expect, got["C"], program)
            if why:
                failed += 1
                print(f"EXPECT {key}: {why} (phs test passes it)")
        else:
            not_expected += 1
    print(f"conformance: {len(examples)} examples x (C, Python, Java); "
          f"{not_expected} not passed by `phs test` (compared across languages only)")
    print(f"{len(examples) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
