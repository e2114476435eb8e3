#!/usr/bin/env python3
"""Throughput of the bindings beside the C batch figure, on one machine, in
one run (a benchmark, not a test).

    python3 bindings/bench.py [--build build] [--n 1000000] [--reps 3]
                              [--records 200000] [--rules rules]

1. C: build/bench/phs_bench (N generated residents), median of REPS: the
   columnar call phs_classify_columns on one thread (the reference: what
   classify_frame and classifyColumns wrap), and the record path
   (phs_classify_batch; fill + classify + read results).
2. The same population, written by `phs_bench --emit-csv` and read with
   pandas (not timed), then:
   - Python DataFrame: Engine.classify_frame (phs_classify_columns), the
     whole frame, median of REPS: conversion of every column, the C call and
     the result frame included; and, inside it, the C call alone
     (core.classify_columns timed in the same process, on the same columns:
     the text columns' conversion to C strings and phs_classify_columns);
     both for read_csv's frame (dates, bools and texts as Python objects)
     and for the same frame typed (datetime64, nullable booleans, enums and
     code lists as categories);
   - Python per record: Engine.classify(dict) on the first RECORDS residents
     (dicts of their present fields; a phs.Result built for each);
   - Java batch: Engine.classifyColumns over the same CSV's columns, median
     of REPS; and Java per record (Engine.classify(Map)).
3. A summary table, the DataFrame / C columnar ratios (issue 10: within
   2x) and the load average before and after (the figures mean little on a
   busy machine).

Needs the build's bindings (PYTHONPATH is set from --build) and pandas.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rules", default=os.path.join(ROOT, "rules"))
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--records", type=int, default=200_000,
                    help="residents for the per-record figures")
    ap.add_argument("--no-java", action="store_true")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    sys.path.insert(0, os.path.join(build, "bindings", "python"))
    import pandas as pd

    import phs

    bench = os.path.join(build, "bench", "phs_bench")
    figures = []
    ratios = []
    load0 = os.getloadavg()

    # 1. C batch
    out = subprocess.run([bench, "--rules", args.rules, "--n", str(args.n), "--reps",
                          str(args.reps)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"columns \(.*\): 1 thread [\d.]+ ns/resident \((\d+) residents/s\)", out)
    c_rate = float(m.group(1))
    figures.append(("C phs_classify_columns, 1 thread", c_rate))
    m = re.search(r"median of \d+ passes: ([\d.]+) s, (\d+) residents/s", out)
    figures.append(("C phs_classify_batch (fill + classify + read)", float(m.group(2))))
    m2 = re.search(r"classify_batch [\d.]+ \((\d+) residents/s\)", out)
    c_summary = re.search(r"summary: (.*)", out).group(1)

    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "residents.csv")
        subprocess.run([bench, "--emit-csv", csv, "--n", str(args.n)], check=True,
                       capture_output=True)
        frame = pd.read_csv(csv, dtype={"id": str, "sex": str, "diagnoses": str,
                                        "emergency_signs": str})
        # an empty code-list cell is the empty list, as phs_bench fills it
        for col in ("diagnoses", "emergency_signs"):
            frame[col] = frame[col].fillna("")

        with phs.Engine(args.rules) as engine:
            # 2a. DataFrame, and the C call inside it: read_csv's frame (dates,
            # bools and texts as Python objects) and the same frame typed
            # (datetime64, nullable booleans, enums and code lists as
            # categories: no Python object per cell)
            typed = frame.copy()
            for name, f in engine.fields.items():
                if name in typed and f.type == "date":
                    typed[name] = pd.to_datetime(typed[name], format="%Y-%m-%d")
                elif name in typed and f.type == "bool":
                    typed[name] = typed[name].astype("boolean")
                elif name in typed and f.type in ("enum", "codes"):
                    typed[name] = typed[name].astype("category")
            c_call = phs.core.classify_columns
            for label, data in (("", frame), (", typed columns", typed)):
                times, c_times = [], []

                def timed(*a):
                    t0 = time.perf_counter()
                    try:
                        return c_call(*a)
                    finally:
                        c_times.append(time.perf_counter() - t0)

                phs.core.classify_columns = timed
                try:
                    for _ in range(args.reps):
                        t0 = time.perf_counter()
                        out_frame = engine.classify_frame(data)
                        times.append(time.perf_counter() - t0)
                finally:
                    phs.core.classify_columns = c_call
                t = statistics.median(times)
                figures.append((f"Python classify_frame{label}", len(frame) / t))
                figures.append(("  of which the C call (core.classify_columns)",
                                len(frame) / statistics.median(c_times)))
                ratios.append(f"{c_rate * t / len(frame):.2f}x of the C columnar call"
                              f"{label} ({t / statistics.median(c_times):.2f}x of its own C call)")
            refused = int(out_frame["error"].notna().sum())
            counts = out_frame["hypertension.tier"].value_counts(dropna=False).to_dict()

            # 2b. per record
            sub = frame.head(args.records)
            records = [{k: v for k, v in row.items() if v == v and v is not None}
                       for row in sub.to_dict("records")]
            for r in records[:20_000]:
                engine.classify(r)
            t0 = time.perf_counter()
            for r in records:
                engine.classify(r)
            t = time.perf_counter() - t0
            figures.append(("Python classify(dict) per record, Result objects",
                            len(records) / t))

        # 2c. Java
        java_lines = []
        if not args.no_java:
            jar = os.path.join(build, "bindings", "java", "libphs.jar")
            r = subprocess.run(["java", "-Xmx4g", "-cp", jar,
                                os.path.join(HERE, "java", "bench", "Bench.java"),
                                args.rules, csv, str(args.reps), str(args.records)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stderr, file=sys.stderr)
            java_lines = r.stdout.splitlines()
            for line in java_lines:
                m = re.match(r"java-batch: .* ([\d.]+) residents/s", line)
                if m:
                    figures.append(("Java classifyColumns (batch, one JNI call)", float(m.group(1))))
                m = re.match(r"java-record: .* ([\d.]+) residents/s", line)
                if m:
                    figures.append(("Java classify(Map) per record, Result records",
                                    float(m.group(1))))

    print(f"libphs {phs.core.version()}, {args.n:,} residents (phs_bench's population, "
          f"seed 20240601), {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"pandas {pd.__version__}")
    print(f"{'path':<52} {'residents/s':>12} {'vs C columns':>12}")
    for name, rate in figures:
        print(f"{name:<52} {rate:>12,.0f} {c_rate / rate:>11.2f}x")
    if m2:
        print(f"(C classify_batch alone, without filling records: {int(m2.group(1)):,} residents/s)")
    print(f"DataFrame path (target: within 2x): {'; '.join(ratios)}; {refused} refused")
    print("load average before: %.2f %.2f %.2f, after: %.2f %.2f %.2f"
          % (load0 + os.getloadavg()))
    print(f"C summary:         {c_summary}")
    print(f"DataFrame hypertension tiers: { {str(k): v for k, v in counts.items()} }")
    for line in java_lines:
        if line.startswith("java-batch-hypertension"):
            print(line)


if __name__ == "__main__":
    main()
