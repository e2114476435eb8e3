"""``python -m phs``: the ``phs`` command, through the Python binding.

Mirrors the C command's ``classify``, ``check``, ``test``, ``fingerprint``
and ``version`` (same options, same output, same exit status: 0 success,
1 a record or example failed, 2 bad usage or rules that do not load).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from typing import Dict, List, Optional, Sequence

from . import Engine, Error, LimitError, PhsIOError, PhsMemoryError, RecordError, SpecError, core

EXIT_RECORDS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> "NoReturn":  # type: ignore[name-defined]  # noqa: F821
        sys.stderr.write(f"phs: {self.prog.split()[-1]}: {message}\n"
                         f"Try '{self.prog} --help'.\n")
        raise SystemExit(EXIT_USAGE)


def _err(message: str) -> None:
    sys.stderr.write(f"phs: {message}\n")


def _params(values: Optional[List[str]]) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for p in values or ():
        name, eq, value = p.partition("=")
        if not eq or not name:
            _err(f"--param '{p}': expected PROGRAM.NAME=VALUE")
            raise SystemExit(EXIT_USAGE)
        out[name] = value
    return out


def _load(rules: Optional[str], params: Optional[List[str]], status: int) -> Engine:
    try:
        return Engine(rules, params=_params(params))
    except Error as e:
        _err(e.message)
        raise SystemExit(status) from None


def _csv_cell(s: Optional[str]) -> str:
    s = s or ""
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def _classify(args: argparse.Namespace) -> int:
    if args.as_of is not None:
        try:
            as_of = _dt.date.fromisoformat(args.as_of)
            if len(args.as_of) != 10:
                raise ValueError
        except ValueError:
            sys.stderr.write(f"phs: classify: --as-of '{args.as_of}': expected a date "
                             "YYYY-MM-DD\nTry 'phs classify --help'.\n")
            return EXIT_USAGE
    else:
        as_of = _dt.date.today()
    engine = _load(args.rules, args.param, EXIT_USAGE)
    try:
        results = engine.read(args.file, as_of=as_of, errors="yield",
                              ndjson=args.format == "ndjson")
    except Error as e:
        _err(e.message)
        return EXIT_USAGE
    fmt = args.format
    out = sys.stdout
    nread = classified = 0
    refused = 0
    first: List[str] = []  # the first refused records' messages, for the summary
    status = 0
    if fmt == "csv":
        out.write("id,program,enrolled,tier,level,next_due,referral,flags,missing,error\n")
    elif fmt == "table":
        out.write(f"{'ID':<12} {'PROGRAM':<13} {'ENROLLED':<8} {'TIER':<18} {'LEVEL':>5}  "
                  f"{'NEXT DUE':<10}  {'REFERRAL':<8}  {'FLAGS':<24} MISSING\n")
    for r in results:
        if isinstance(r, SpecError) and nread == 0:
            # nothing can be read (a CSV header naming an unknown field)
            _err(r.message)
            status = EXIT_USAGE
            break
        nread += 1
        if isinstance(r, Error):
            record = getattr(r, "record", 0)
            rid = getattr(r, "id", "") or ""
            refused += 1
            if len(first) < 3:
                first.append(f"record {record}" + (f" (id {rid[:64]})" if rid else "")
                             + f": {r.message}")
            if fmt == "ndjson":
                import json

                out.write(json.dumps({"id": rid or None,
                                      "error": {"field": r.field, "message": r.message or
                                                "unknown error", "record": record}},
                                     ensure_ascii=False, separators=(",", ":")) + "\n")
            elif fmt == "csv":
                where = f" (field {r.field})" if r.field else ""
                out.write(f"{_csv_cell(rid)},,,,,,,,,"
                          f"{_csv_cell(f'record {record}{where}: {r.message}')}\n")
            else:
                where = f", field {r.field}" if r.field else ""
                out.write(f"{rid or '-':<12} ERROR record {record}{where}: {r.message}\n")
            if not isinstance(r, (RecordError, LimitError, PhsMemoryError)):
                break
            continue
        classified += 1
        if fmt == "ndjson":
            out.write((r.ndjson or r.to_json()) + "\n")
            continue
        for i, p in enumerate(r):
            due = p.next_due.isoformat() if p.next_due else ""
            if fmt == "csv":
                enrolled = "" if p.enrolled is None else "true" if p.enrolled else "false"
                out.write(f"{_csv_cell(r.id)},{_csv_cell(p.program)},{enrolled},"
                          f"{_csv_cell(p.tier)},{p.level},{due},"
                          f"{'true' if p.referral else 'false'},"
                          f"{_csv_cell(';'.join(p.flags))},{_csv_cell(';'.join(p.missing))},\n")
            else:
                tiered = p.outcome == "tiered"
                yes = "?" if p.enrolled is None else "yes" if p.enrolled else "no"
                out.write(f"{(r.id or '-') if i == 0 else '':<12} {p.program:<13} {yes:<8} "
                          f"{p.tier or '-':<18} {str(p.level) if tiered else '-':>5}  "
                          f"{due or '-':<10}  "
                          f"{('yes' if p.referral else 'no') if tiered else '-':<8}  "
                          f"{','.join(p.flags) or '-':<24} {','.join(p.missing) or '-'}\n")
    out.flush()
    name = "standard input" if args.file == "-" else args.file
    if status == 0 and nread == 0:
        _err(f"{name} holds no records")
        status = EXIT_RECORDS
    elif refused:
        _err(f"{name}: {nread} record{'' if nread == 1 else 's'} read, {classified} "
             f"classified, {refused} refused{'; the first errors:' if refused > 3 else ':'}")
        for line in first:
            sys.stderr.write(f"  {line}\n")
        status = EXIT_RECORDS
    return status


def _rules_operand(args: argparse.Namespace) -> Optional[str]:
    if args.rules_pos and args.rules:
        sys.stderr.write(f"phs: {args.command}: give the rule directory once, as RULES or "
                         f"--rules\nTry 'phs {args.command} --help'.\n")
        raise SystemExit(EXIT_USAGE)
    result: Optional[str] = args.rules_pos or args.rules
    return result


def _check(args: argparse.Namespace) -> int:
    try:
        engine = Engine(_rules_operand(args), params=_params(args.param))
    except Error as e:
        _err(e.message)
        # an unreadable directory is 2 as for every command; rules with an
        # error are what check is for: 1
        return EXIT_USAGE if isinstance(e, PhsIOError) else EXIT_RECORDS
    try:
        engine.run_examples()  # a load leaves the examples unread
    except Error as e:
        _err(e.message)
        return EXIT_RECORDS
    n = len(engine.programs)
    print(f"ok: {n} program{'' if n == 1 else 's'}, fingerprint {engine.fingerprint}")
    return 0


def _test(args: argparse.Namespace) -> int:
    engine = _load(_rules_operand(args), args.param, EXIT_USAGE)
    try:
        outcomes = engine.run_examples()
    except Error as e:
        _err(e.message)
        return EXIT_USAGE
    failed = 0
    for o in outcomes:
        if o.failure is not None:
            failed += 1
            print(f"FAIL {o.program}/{o.example}: {o.failure}")
        elif args.verbose:
            print(f"ok   {o.program}/{o.example}")
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return EXIT_RECORDS if failed else 0


def _fingerprint(args: argparse.Namespace) -> int:
    print(_load(_rules_operand(args), args.param, EXIT_USAGE).fingerprint)
    return 0


def _version(args: argparse.Namespace) -> int:
    print(f"phs {core.PHS_VERSION} (libphs {core.version()}) [python]")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _Parser(prog="python -m phs",
                     description="classify residents under China's basic public health "
                                 "service rules (the phs command, through Python)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    c = sub.add_parser("classify", help="classify every resident of FILE")
    c.add_argument("--rules", metavar="DIR", help="the rule directory (default: bundled)")
    c.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="visit date of records without visit_date (default: today)")
    c.add_argument("--format", choices=("ndjson", "csv", "table"), default="ndjson")
    c.add_argument("--param", action="append", metavar="PROGRAM.NAME=VALUE")
    c.add_argument("file", metavar="FILE|-")
    c.set_defaults(run=_classify)

    for name, run, what in (("check", _check, "load a rule directory and report the first error"),
                            ("test", _test, "run the examples embedded in the rule files"),
                            ("fingerprint", _fingerprint, "print the rule set's fingerprint")):
        s = sub.add_parser(name, help=what)
        s.add_argument("--rules", metavar="DIR", help="the same as giving RULES")
        s.add_argument("--param", action="append", metavar="PROGRAM.NAME=VALUE")
        if name == "test":
            s.add_argument("-v", "--verbose", action="store_true",
                           help="also list the examples that pass")
        s.add_argument("rules_pos", nargs="?", metavar="RULES")
        s.set_defaults(run=run)

    v = sub.add_parser("version", help="print the program and library versions")
    v.set_defaults(run=_version)

    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        sys.stderr.write("phs: no command given\nTry 'python -m phs --help'.\n")
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except BrokenPipeError:
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
