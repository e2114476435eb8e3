#!/usr/bin/env python3
"""The functions declared PHS_EXTERN in the public headers, the names in libphs.map and
the dynamic symbols the built library exports must be the same set.  With
--release X.Y.Z (the meson project version), the map's newest version node
must be PHS_X.Y: symbols added in a release are in that release's node."""
import re
import subprocess
import sys

args = sys.argv[1:]
release = None
if args[0] == "--release":
    release, args = args[1], args[2:]
*headers, mapfile, lib = args

text = ""
for header in headers:
    with open(header, encoding="utf-8") as f:
        text += f.read()
declared = set(re.findall(r"PHS_EXTERN\([^)]*\)\s*(phs_\w+)\s*\(", text))

with open(mapfile, encoding="utf-8") as f:
    mtext = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
mapped = set(re.findall(r"\b(phs_\w+)\s*;", mtext))

out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                     capture_output=True, text=True).stdout
exported = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) >= 3 and parts[1] in ("T", "W", "i"):
        exported.add(parts[2].split("@")[0])
exported = {s for s in exported if not s.startswith("_")}

ok = True
for name, a, b in (("declared but not in libphs.map", declared, mapped),
                   ("in libphs.map but not declared", mapped, declared),
                   ("declared but not exported", declared, exported),
                   ("exported but not declared", exported, declared)):
    diff = sorted(a - b)
    if diff:
        ok = False
        print(f"{name}: {', '.join(diff)}")
nodes = re.findall(r"\b(PHS_\d+\.\d+)\s*\{", mtext)
if release:
    want = "PHS_" + ".".join(release.split(".")[:2])
    if not nodes or nodes[-1] != want:
        ok = False
        print(f"newest node of libphs.map is {nodes[-1] if nodes else None}, "
              f"the release {release} wants {want}")
if len(declared) < 50:
    ok = False
    print(f"only {len(declared)} declarations found in {headers}")
print(f"{len(declared)} functions declared, {len(exported)} exported")
sys.exit(0 if ok else 1)
