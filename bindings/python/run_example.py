"""Run an example script for `meson test`: `run_example.py SCRIPT ARGS...`.

Exits 77 when the example needs pandas and it is not installed; otherwise
the example's own exit status (and output) is the test's.
"""
import importlib.util
import runpy
import os
import sys

# This directory holds the package's sources (phs/ without the built
# extension): never import `phs` from here, only from PYTHONPATH.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

script = sys.argv[1]
with open(script, encoding="utf-8") as f:
    needs_pandas = "import pandas" in f.read()
if needs_pandas and importlib.util.find_spec("pandas") is None:
    print("SKIP: the example needs pandas (apt-get install python3-pandas)")
    sys.exit(77)
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
