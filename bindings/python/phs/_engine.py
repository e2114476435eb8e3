"""phs.Engine and the result types: the idiomatic layer over phs.core."""

from __future__ import annotations

import datetime as _dt
import json
import os
import threading
from dataclasses import dataclass
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Union,
    overload,
)

from . import core
from ._types import (
    FIELD_TYPES,
    DateLike,
    Field,
    PathLike,
    Program,
    date_to_days,
    days_to_date,
)
from ._reports import (
    CoverageReport,
    DiffReport,
    StrictReport,
    TestReport,
    VerifyReport,
    from_core,
)
from .errors import Error, LimitError, PhsMemoryError, RecordError

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from ._population import Population

__all__ = [
    "Engine",
    "Result",
    "ProgramResult",
    "Reason",
    "Visit",
    "Program",
    "Field",
    "ExampleOutcome",
    "default_rules_dir",
]


_FORMATS = {
    "auto": core.PHS_FORMAT_AUTO,
    "ndjson": core.PHS_FORMAT_NDJSON,
    "json": core.PHS_FORMAT_ARRAY,
    "yaml": core.PHS_FORMAT_ARRAY,
    "array": core.PHS_FORMAT_ARRAY,
    "csv": core.PHS_FORMAT_CSV,
}

_LIMITS = {
    "file_bytes": core.PHS_LIMIT_FILE_BYTES,
    "yaml_depth": core.PHS_LIMIT_YAML_DEPTH,
    "yaml_nodes": core.PHS_LIMIT_YAML_NODES,
    "expr_depth": core.PHS_LIMIT_EXPR_DEPTH,
    "regex_match": core.PHS_LIMIT_REGEX_MATCH,
}


def default_rules_dir() -> str:
    """The rules :class:`Engine` loads when given none.

    In order: the environment variable ``PHS_RULES_DIR``; the rules shipped
    inside this package (a wheel built by ``pip install .``); the library's
    own default, ``phs_rules_dir_default()`` (the installed rules, or the
    source tree's when run from a build directory).
    """
    env = os.environ.get("PHS_RULES_DIR")
    if env:
        return env
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules")
    if os.path.isfile(os.path.join(here, "fields.yaml")):
        return here
    return core.rules_dir_default()


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """A rule that decided part of a result, and the clause ids it cites."""

    rule: str
    cites: Tuple[str, ...]


@dataclass(frozen=True)
class Visit:
    """One visit of the merged follow-up plan: its date and the programs it
    serves."""

    date: _dt.date
    programs: Tuple[str, ...]


_OUTCOMES = ("not_enrolled", "tiered", "insufficient_data", "unclassified")


@dataclass(frozen=True)
class ProgramResult:
    """One program's outcome for one resident."""

    program: str
    #: "not_enrolled", "tiered", "insufficient_data" or "unclassified".
    outcome: str
    #: True, False, or None when eligibility needs a missing field.
    enrolled: Optional[bool]
    #: The tier id; "insufficient_data" or "unclassified" for those outcomes;
    #: None when not enrolled.
    tier: Optional[str]
    level: int
    code: Optional[str]
    next_due: Optional[_dt.date]
    earliest: Optional[_dt.date]
    interval: Optional[str]
    referral: bool
    actions: Tuple[str, ...]
    flags: Tuple[str, ...]
    undecided_flags: Tuple[str, ...]
    reasons: Tuple[Reason, ...]
    missing: Tuple[str, ...]

    def to_dict(self) -> Dict[str, Any]:
        """Plain JSON-compatible values (dates as ISO strings)."""
        return {
            "enrolled": self.enrolled,
            "tier": self.tier,
            "level": self.level,
            "code": self.code,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "interval": self.interval,
            "referral": self.referral,
            "actions": list(self.actions),
            "flags": list(self.flags),
            "undecided_flags": list(self.undecided_flags),
            "reasons": [{"rule": r.rule, "cites": list(r.cites)} for r in self.reasons],
            "missing": list(self.missing),
        }


class Result:
    """One resident's classification: per program, and the merged plan.

    ``result["hypertension"]`` is that program's :class:`ProgramResult`;
    :meth:`to_dict` gives it all as plain values.  ``ndjson`` is the
    library's own rendering (``phs classify``'s line, with the citations'
    sources), when it was asked for (``Engine.classify(..., ndjson=True)``).
    """

    __slots__ = ("id", "fingerprint", "programs", "plan", "ndjson")

    id: str
    fingerprint: str
    programs: Mapping[str, ProgramResult]
    plan: Tuple[Visit, ...]
    ndjson: Optional[str]

    def __init__(
        self,
        id: str,
        fingerprint: str,
        programs: Mapping[str, ProgramResult],
        plan: Tuple[Visit, ...],
        ndjson: Optional[str] = None,
    ) -> None:
        self.id, self.fingerprint, self.programs = id, fingerprint, programs
        self.plan, self.ndjson = plan, ndjson

    @classmethod
    def _from_snapshot(cls, snap: Tuple[Any, ...], ids: Tuple[str, ...], fingerprint: str) -> "Result":
        progs = {}
        for name, t in zip(ids, snap[1]):
            enrolled = t[1]
            progs[name] = ProgramResult(
                name, _OUTCOMES[t[0]], None if enrolled < 0 else bool(enrolled), t[2], t[3],
                t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11],
                tuple(Reason(rule, cites) for rule, cites in t[12]), t[13])
        plan = tuple(Visit(d, tuple(ids[p] for p in serves)) for d, serves in snap[2])
        return cls(snap[0], fingerprint, MappingProxyType(progs), plan,
                   snap[3] if len(snap) > 3 else None)

    def __getitem__(self, program: str) -> ProgramResult:
        return self.programs[program]

    def __iter__(self) -> Iterator[ProgramResult]:
        return iter(self.programs.values())

    def __len__(self) -> int:
        return len(self.programs)

    @property
    def enrolled(self) -> Tuple[str, ...]:
        """The programs the resident is enrolled in."""
        return tuple(p.program for p in self.programs.values() if p.enrolled)

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain JSON-compatible values, with the keys of
        ``phs classify``'s NDJSON line (citations as clause ids)."""
        return {
            "id": self.id,
            "rules_fingerprint": self.fingerprint,
            "programs": {name: p.to_dict() for name, p in self.programs.items()},
            "plan": [{"date": v.date.isoformat(), "programs": list(v.programs)}
                     for v in self.plan],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as compact JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Result) and other.id == self.id
                and other.fingerprint == self.fingerprint
                and dict(other.programs) == dict(self.programs) and other.plan == self.plan)

    def __hash__(self) -> int:
        return hash((self.id, self.fingerprint, self.plan))

    def __repr__(self) -> str:
        tiers = ", ".join(
            f"{p.program}={p.tier}" for p in self.programs.values() if p.tier is not None
        )
        return f"<phs.Result id={self.id!r} {tiers or 'not enrolled'}>"


# ---------------------------------------------------------------------------
# Rule set description
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleOutcome:
    """One embedded example of a spec, run by the C library."""

    program: str
    example: str
    #: None when the example passed, else what differed.
    failure: Optional[str]

    @property
    def passed(self) -> bool:
        return self.failure is None


# ---------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------


class Engine:
    """A loaded rule set, ready to classify residents.

    ``Engine()`` loads the bundled rules (:func:`default_rules_dir`);
    ``Engine("path/to/rules")`` a directory of specs.  ``params`` overrides
    policy parameters (``{"hypertension.bp_target_profile":
    "guideline_2025"}``), ``limits`` loading limits (``{"file_bytes": ...}``).
    A broken spec raises :class:`phs.SpecError` with file, line and column.

    An engine may be shared by threads.  Use it as a context manager, or
    call :meth:`close`, to free the rule set early; objects made from it
    (readers) keep it alive until they are done.
    """

    def __init__(
        self,
        rules: Optional[PathLike] = None,
        *,
        params: Optional[Mapping[str, Any]] = None,
        limits: Optional[Mapping[str, int]] = None,
    ) -> None:
        self._rs: Optional[core.Ruleset] = None
        opts = None
        if params or limits:
            opts = core.Options()
            for name, value in (params or {}).items():
                opts.set_param(name, _yaml_scalar(value))
            for name, value in (limits or {}).items():
                if name not in _LIMITS:
                    raise ValueError(f"unknown limit {name!r}; one of {sorted(_LIMITS)}")
                opts.set_limit(_LIMITS[name], int(value))
        self.rules_dir = os.fspath(rules) if rules is not None else default_rules_dir()
        rs = core.Ruleset(self.rules_dir, opts)
        self._rs = rs
        self._rec = core.Record(rs)
        self._res = core.Result(rs)
        self._lock = threading.Lock()
        self.fingerprint: str = rs.fingerprint()
        self.programs: Tuple[Program, ...] = tuple(
            Program(
                p,
                rs.program_id(p),
                rs.program_version(p) or "",
                rs.program_status(p) or "",
                rs.program_title(p, "zh"),
                rs.program_title(p, "en"),
                tuple(rs.tier_id(p, t) for t in range(rs.tier_count(p))),
                tuple(rs.flag_id(p, f) for f in range(rs.flag_count(p))),
            )
            for p in range(rs.program_count())
        )
        self.fields: Mapping[str, Field] = MappingProxyType(
            {
                rs.field_name(i): Field(i, rs.field_name(i), FIELD_TYPES[rs.field_type(i)])
                for i in range(rs.field_count())
            }
        )
        self._ids = tuple(p.id for p in self.programs)
        # Per program, per version (effective dates): (tiers, flags).  A
        # columnar result's tier index and flag mask index the version used.
        self._versions: Tuple[Tuple[Tuple[Tuple[str, ...], Tuple[str, ...]], ...], ...] = tuple(
            tuple(
                (tuple(rs.version_tier_id(p, v, t) for t in range(rs.version_tier_count(p, v))),
                 tuple(rs.version_flag_id(p, v, f) for f in range(rs.version_flag_count(p, v))))
                for v in range(rs.version_count(p)))
            for p in range(len(self.programs)))
        # Programs whose versions name their tiers or flags differently: only
        # for them does a columnar result need the version of each resident.
        self._versions_differ = tuple(len(set(v)) > 1 for v in self._versions)
        visit = self.fields.get("visit_date")
        self._visit_field = visit.id if visit is not None and visit.type == "date" else -1

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        """Release the rule set (readers still open keep it alive)."""
        self._rs = None
        self._rec = None  # type: ignore[assignment]
        self._res = None  # type: ignore[assignment]

    @property
    def closed(self) -> bool:
        return self._rs is None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ruleset(self) -> core.Ruleset:
        rs = self._rs
        if rs is None:
            raise ValueError("the engine is closed")
        return rs

    def __repr__(self) -> str:
        state = "closed" if self.closed else ", ".join(p.id for p in self.programs)
        return f"<phs.Engine {self.rules_dir!r} ({state})>"

    # -- description --------------------------------------------------------

    def program(self, program_id: str) -> Program:
        """The program with this id (NotFoundError if none)."""
        return self.programs[self._ruleset().program_index(program_id)]

    def run_examples(self) -> List[ExampleOutcome]:
        """Run every example embedded in the specs (``phs test``); see
        :meth:`test` for the whole report."""
        return [
            ExampleOutcome(f.program or "", f.example_id or "",
                           f.message if f.kind == "example_failed" else None)
            for f in self.test().findings
        ]

    # -- regulator analyses (reports as data) -------------------------------

    def verify(
        self,
        *,
        as_of: DateLike,
        program: Optional[str] = None,
        max_cells: int = 0,
        seed: int = 0,
    ) -> VerifyReport:
        """Verify every program version (``phs verify``): gaps, dead tiers,
        dead flags, insufficient data, each with a counterexample resident.
        ``as_of`` is the visit date of the checked cells (required);
        ``max_cells`` and ``seed`` bound and seed the sample (0: defaults)."""
        r = self._ruleset().verify(program, date_to_days(as_of), max_cells, seed)
        report = from_core(r)
        assert isinstance(report, VerifyReport)
        return report

    def population(self) -> "Population":
        """An empty :class:`phs.Population` over this rule set: add visit
        histories, then ask for a period's indicators."""
        from ._population import Population

        return Population(self)

    def diff(
        self,
        new: "Engine",
        *,
        population: Optional[PathLike] = None,
        as_of: Optional[DateLike] = None,
        program: Optional[str] = None,
        max_cells: int = 0,
        seed: int = 0,
        max_examples: int = 0,
    ) -> DiffReport:
        """Compare this rule set (old) with ``new`` (``phs diff``).  With a
        ``population`` file: its residents under both; ``as_of`` is then the
        visit date of residents without one (a resident without one and no
        ``as_of`` raises).  Without: the regions of the input space whose
        outcome changes, on the visit date ``as_of`` (required)."""
        day = core.PHS_DATE_NONE if as_of is None else date_to_days(as_of)
        pop = os.fspath(population) if population is not None else None
        r = self._ruleset().diff(new._ruleset(), pop, program, day, max_cells, seed,
                                 max_examples)
        report = from_core(r)
        assert isinstance(report, DiffReport)
        return report

    def coverage(
        self, *, program: Optional[str] = None, as_of: Optional[DateLike] = None
    ) -> CoverageReport:
        """What the embedded examples exercise (``phs test --coverage``)."""
        day = core.PHS_DATE_NONE if as_of is None else date_to_days(as_of)
        report = from_core(self._ruleset().coverage(program, day))
        assert isinstance(report, CoverageReport)
        return report

    def test(self, *, program: Optional[str] = None) -> TestReport:
        """Run the embedded examples (``phs test``): one finding each."""
        report = from_core(self._ruleset().test_report(program))
        assert isinstance(report, TestReport)
        return report

    def check_strict(self) -> StrictReport:
        """The checks before sign-off (``phs check --strict``)."""
        report = from_core(self._ruleset().check_strict())
        assert isinstance(report, StrictReport)
        return report

    # -- classification -----------------------------------------------------

    def _as_of(self, as_of: Optional[DateLike]) -> Tuple[int, int]:
        if as_of is None or self._visit_field < 0:
            return -1, 0
        return self._visit_field, date_to_days(as_of)

    def classify(
        self,
        resident: Mapping[str, Any],
        *,
        as_of: Optional[DateLike] = None,
        ndjson: bool = False,
    ) -> Result:
        """Classify one resident given as a mapping of field names to values.

        Values: numbers; bools; ``datetime.date`` or ``"YYYY-MM-DD"``; str
        (enum values, ids); lists of codes or ``"I10;E11"``.  ``None`` or NaN
        is absent.  ``as_of`` is the visit date of a resident without
        ``visit_date``; ``ndjson=True`` also keeps the library's JSON line
        (``Result.ndjson``).  Raises :class:`phs.NotFoundError` for an
        unknown field and :class:`phs.RecordError` for a bad value (both
        name it in ``.field``).
        """
        rs = self._ruleset()
        field, day = self._as_of(as_of)
        with self._lock:
            snap = rs.classify_mapping(self._rec, self._res, resident, field, day, ndjson)
        return Result._from_snapshot(snap, self._ids, self.fingerprint)

    def classify_many(
        self,
        residents: Iterable[Mapping[str, Any]],
        *,
        as_of: Optional[DateLike] = None,
        ndjson: bool = False,
    ) -> Iterator[Result]:
        """Classify each resident of an iterable, lazily, in order."""
        rs = self._ruleset()
        field, day = self._as_of(as_of)
        rec, res = core.Record(rs), core.Result(rs)
        ids, fp = self._ids, self.fingerprint
        for resident in residents:
            yield Result._from_snapshot(
                rs.classify_mapping(rec, res, resident, field, day, ndjson), ids, fp)

    def classify_frame(
        self,
        frame: "pandas.DataFrame",
        *,
        as_of: Optional[DateLike] = None,
        errors: Literal["record", "raise"] = "record",
        ignore_unknown: bool = False,
    ) -> "pandas.DataFrame":
        """Classify every row of a DataFrame in one C call.

        Columns are dictionary fields (other columns raise NotFoundError
        unless ``ignore_unknown``).  Returns a DataFrame on the same index
        with, per program, ``<program>.tier`` (categorical; missing when not
        enrolled), ``<program>.next_due`` (datetime64) and ``<program>.flags``
        (tuples of flag ids), and ``error`` (None, or why the row was
        refused).  ``errors="raise"`` raises the first row's error instead.
        """
        from ._frame import classify_frame

        return classify_frame(self, frame, as_of=as_of, errors=errors, ignore_unknown=ignore_unknown)

    # errors="raise" yields Results only; errors="yield" also Errors.
    @overload
    def read(self, path: PathLike, *, format: str = ..., as_of: Optional[DateLike] = ...,
             errors: Literal["raise"] = ..., ndjson: bool = ...) -> Iterator[Result]: ...

    @overload
    def read(self, path: PathLike, *, format: str = ..., as_of: Optional[DateLike] = ...,
             errors: Literal["yield"], ndjson: bool = ...) -> Iterator[Union[Result, Error]]: ...

    def read(
        self,
        path: PathLike,
        *,
        format: str = "auto",
        as_of: Optional[DateLike] = None,
        errors: Literal["raise", "yield"] = "raise",
        ndjson: bool = False,
    ) -> Iterator[Union[Result, Error]]:
        """Read residents from a file (CSV, NDJSON, JSON/YAML array; ``"-"``
        is standard input) with libphs's reader and classify each.

        A record that cannot be read raises :class:`phs.RecordError` (with
        ``errors="yield"``, the error is yielded in its place, with
        ``.record`` = its 1-based number and ``.id``, and reading goes on).
        """
        if format not in _FORMATS:
            raise ValueError(f"unknown format {format!r}; one of {sorted(_FORMATS)}")
        rs = self._ruleset()
        field, day = self._as_of(as_of)
        reader = core.Reader(rs, os.fspath(path), _FORMATS[format])
        return self._read(rs, reader, field, day, errors, ndjson)

    def _read(
        self, rs: core.Ruleset, reader: core.Reader, field: int, day: int, errors: str,
        ndjson: bool,
    ) -> Iterator[Union[Result, Error]]:
        rec, res = core.Record(rs), core.Result(rs)
        ids, fp = self._ids, self.fingerprint
        while True:
            try:
                if not reader.next(rec):
                    return
                if field >= 0 and not rec.has(field):
                    rec.set_date(field, day)
                rs.classify(rec, res)
                snap = rs.snapshot(res, ndjson)
            except Error as e:
                if errors != "yield":
                    raise
                e.record = reader.record_number()  # type: ignore[attr-defined]
                e.id = reader.record_id()  # type: ignore[attr-defined]
                yield e
                if isinstance(e, (RecordError, LimitError, PhsMemoryError)):
                    continue  # the reader has moved past the record
                return  # the input cannot be read further
            yield Result._from_snapshot(snap, ids, fp)


def _yaml_scalar(value: Any) -> str:
    """A parameter value as written in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)
