#!/usr/bin/env python3
"""Build step for the Java binding (run by bindings/java/meson.build).

  build_java.py swig --swig SWIG --javac JAVAC --jar JAR -I INCLUDE
                --interface phs_java.i --wrap OUT.c --out libphs.jar
                --workdir DIR SOURCES...
      run SWIG (-java, package org.libphs), compile its classes with the
      hand-written SOURCES, and pack them into a jar;

  build_java.py jar --javac JAVAC --jar JAR --classpath CP --out OUT.jar
                --workdir DIR SOURCES...
      compile SOURCES against CP into a jar (the JUnit tests).

meson's jar() wants every generated .java file named at configure time and
in package directories; SWIG writes one file per class into one directory,
so this script stands between them.
"""
import argparse
import os
import shutil
import subprocess
import sys


def run(cmd):
    r = subprocess.run(cmd)
    if r.returncode != 0:
        sys.exit(f"build_java.py: command failed ({r.returncode}): {' '.join(cmd)}")


def javac_and_jar(args, sources, classpath=None):
    classes = os.path.join(args.workdir, "classes")
    os.makedirs(classes)
    cmd = [args.javac, "--release", "17", "-encoding", "UTF-8", "-Xlint:all,-serial",
           "-Xlint:-options", "-d", classes]
    if classpath:
        cmd += ["-cp", classpath]
    run(cmd + sources)
    tmp = args.out + ".tmp"
    run([args.jar, "--create", "--file", tmp, "-C", classes, "."])
    os.replace(tmp, args.out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("swig", "jar"))
    ap.add_argument("--swig")
    ap.add_argument("--javac", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("-I", dest="include", action="append", default=[])
    ap.add_argument("-D", dest="define", action="append", default=[])
    ap.add_argument("--interface")
    ap.add_argument("--wrap")
    ap.add_argument("--classpath")
    ap.add_argument("--out", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("sources", nargs="*")
    args = ap.parse_intermixed_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    sources = [os.path.abspath(s) for s in args.sources]
    if args.mode == "swig":
        gen = os.path.join(args.workdir, "gen", "org", "libphs")
        os.makedirs(gen)
        run([args.swig, "-java", "-package", "org.libphs"]
            + [f"-I{i}" for i in args.include] + [f"-D{d}" for d in args.define]
            + ["-outdir", gen, "-o", args.wrap, args.interface])
        generated = sorted(os.path.join(gen, f) for f in os.listdir(gen) if f.endswith(".java"))
        # SWIG has no pragma for the constants interface's modifiers: keep
        # it package-private like every other generated class.
        for path in generated:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            fixed = text.replace("public interface PhsCoreConstants", "interface PhsCoreConstants")
            if fixed != text:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(fixed)
        javac_and_jar(args, generated + sources)
    else:
        javac_and_jar(args, sources, args.classpath)


if __name__ == "__main__":
    main()
