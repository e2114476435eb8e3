"""Classify a CSV of residents with pandas and print how many fall in each tier.

    python examples/python/tier_summary.py [residents.csv] [--as-of YYYY-MM-DD]

The whole frame goes through libphs's columnar batch call in one step
(Engine.classify_frame); the result is a DataFrame with, per program,
<program>.tier, <program>.next_due and <program>.flags.
"""
import argparse

import pandas as pd

import phs

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("csv", nargs="?", default="examples/residents.csv")
ap.add_argument("--as-of", default="2024-06-01", help="visit date of rows without one")
args = ap.parse_args()

residents = pd.read_csv(args.csv, dtype={"id": str})
with phs.Engine() as engine:
    results = engine.classify_frame(residents, as_of=args.as_of)
    programs = [p.id for p in engine.programs]

print(f"{len(residents)} residents, {int(results['error'].notna().sum())} refused\n")
for program in programs:
    tiers = results[f"{program}.tier"]
    counts = tiers.value_counts(sort=False)
    print(f"{program}: {int(tiers.isna().sum())} not enrolled")
    for tier, n in counts.items():
        if n:
            print(f"  {tier:<20} {n:>5}")
    due = results[f"{program}.next_due"].dropna()
    if len(due):
        print(f"  next follow-up due {due.min().date()} .. {due.max().date()}")
