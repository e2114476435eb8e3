"""Run the phs.spark tests (Spark local mode) for `meson test`:
`run_spark.py TESTS_DIR`.

PySpark and pyarrow are not Debian packages: when this interpreter lacks
them, the tests run under the one named by PHS_SPARK_PYTHON (a virtual
environment made with --system-site-packages over the same Python, so the
built extension and Debian's pandas load in it; .ci/run makes one).  Exits
77 (meson: skipped), saying why, only when no interpreter has pyspark, when
no Java runtime is found, or under the sanitizers (the ASan runtime that the
extension needs preloaded would be preloaded into the JVM too).
"""
import importlib.util
import os
import shutil
import subprocess
import sys

# This directory holds the package's sources (phs/ without the built
# extension): never import `phs` from here, only from PYTHONPATH.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

NEEDS = ("pyspark", "pyarrow", "pandas", "pytest")


def missing() -> list:
    return [m for m in NEEDS if importlib.util.find_spec(m) is None]


if os.environ.get("PHS_SANITIZED"):
    print("SKIP: the Spark tests do not run under the sanitizers (the JVM would inherit "
          "the preloaded ASan runtime); the plain build runs them")
    sys.exit(77)
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    print("SKIP: no Java runtime for Spark (apt-get install default-jdk-headless)")
    sys.exit(77)
lacking = missing()
if lacking:
    other = os.environ.get("PHS_SPARK_PYTHON")
    if other and not os.environ.get("PHS_SPARK_REEXEC"):
        env = dict(os.environ, PHS_SPARK_REEXEC="1")
        sys.exit(subprocess.run([other, os.path.abspath(__file__), *sys.argv[1:]],
                                env=env).returncode)
    print(f"SKIP: {sys.executable} lacks {', '.join(lacking)}"
          + (f" and so does PHS_SPARK_PYTHON={other}" if other else
             "; set PHS_SPARK_PYTHON to a Python that has them (.ci/run makes a venv: "
             "python3 -m venv --system-site-packages V && V/bin/pip install "
             "pyspark==3.5.9 pyarrow==17.0.0)"))
    sys.exit(77)

# Spark's Python workers: this interpreter, with the same PYTHONPATH.
os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable

import pytest  # noqa: E402

code = pytest.main(["-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning",
                    *sys.argv[1:]])
sys.exit(1 if code == 5 else int(code))
