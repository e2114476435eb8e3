"""Type-check the built `phs` package and the Python examples with mypy
--strict (the stubs and annotations the package ships).  Exits 77 when mypy
is not installed.  `run_mypy.py PACKAGE_DIR FILES...`
"""
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("mypy") is None:
    print("SKIP: mypy is not installed (apt-get install python3-mypy)")
    sys.exit(77)
package, files = sys.argv[1], sys.argv[2:]
env = dict(os.environ, MYPYPATH=os.path.dirname(package))
cmd = [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports",
       "--no-incremental", "--cache-dir", os.devnull, package, *files]
sys.exit(subprocess.run(cmd, env=env).returncode)
