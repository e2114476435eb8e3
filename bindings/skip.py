"""Exit 77 (meson: skipped), saying why: `skip.py REASON...`."""
import sys

print("SKIP:", " ".join(sys.argv[1:]) or "prerequisites missing")
sys.exit(77)
