"""Run the binding's pytest suite for `meson test` (bindings/python/meson.build).

Exits 77 (skipped) when pytest or the suite's own dependencies (numpy,
pandas, PyYAML) are not installed, saying which; a run that collects no
test fails.
"""
import importlib
import os
import sys

# This directory holds the package's sources (phs/ without the built
# extension): never import `phs` from here, only from PYTHONPATH.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

missing = []
for mod in ("pytest", "numpy", "pandas", "yaml"):
    try:
        importlib.import_module(mod)
    except ImportError:
        missing.append(mod)
if missing:
    print("SKIP: missing Python modules: " + ", ".join(missing)
          + " (apt-get install python3-pytest python3-numpy python3-pandas python3-yaml)")
    sys.exit(77)

import pytest  # noqa: E402

code = pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]])
sys.exit(1 if code == 5 else int(code))
