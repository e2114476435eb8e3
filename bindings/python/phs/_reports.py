"""Reports of the regulator analyses as data: Engine.verify, .diff,
.coverage, .test and .check_strict return these dataclasses, read
accessor by accessor from the C report (phs_report_*, include/phs/analysis.h).

A report holds what it is about (fingerprints, a diff's population file,
the cell limit and seed), totals (cells, residents, examples passed ...),
sections (one per program version, or per program compared by a diff: the
version's status, fingerprint and dates, the dimensions of its input space,
tables of counts) and findings (kind, severity, program, version, rule,
message, detail, old and new outcome, cells, example resident).  A diff's
sections carry the transition matrix (with the rules and clauses behind each
changed cell) and the due-date shifts; :meth:`DiffReport.transitions` gives
the matrix as a pandas DataFrame.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple, Union

from . import core
from ._types import FIELD_TYPES, days_to_date

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "Finding",
    "Cause",
    "Transition",
    "Shift",
    "Dimension",
    "TableRow",
    "Section",
    "Report",
    "VerifyReport",
    "DiffReport",
    "CoverageReport",
    "TestReport",
    "StrictReport",
]

#: A value of an example resident: a number, a bool, a date, a string (ids,
#: enums) or a list of codes.
ExampleValue = Union[float, bool, _dt.date, str, List[str]]

#: Totals by name (phs_total_name): "cells", "checked", "residents", ...
_TOTALS = tuple(core.total_name(i) for i in range(core.PHS_TOTAL_COUNT))

#: Tables of a section by name, in phs_table order.
_TABLES = (("tiers", core.PHS_TABLE_TIERS), ("flags", core.PHS_TABLE_FLAGS),
           ("conditions", core.PHS_TABLE_CONDITIONS),
           ("thresholds", core.PHS_TABLE_THRESHOLDS))


def _value(text: str, type_: int) -> ExampleValue:
    kind = FIELD_TYPES[type_] if 0 <= type_ < len(FIELD_TYPES) else "string"
    if kind == "number":
        return float(text)
    if kind == "bool":
        return text == "true"
    if kind == "date":
        day = days_to_date(core.date_parse(text))
        assert day is not None  # the library wrote a valid date
        return day
    if kind == "codes":
        return text.split(";") if text else []
    return text


@dataclass(frozen=True)
class Finding:
    """One finding of a report (phs_report_kind ... phs_report_example)."""

    #: "gap", "dead_tier", "dead_flag", "insufficient_data", "transition",
    #: "example_failed", ... (phs_finding_kind_name).
    kind: str
    #: "info", "warning" or "error".
    severity: str
    program: Optional[str]
    #: The program version the finding is about, when it is about one.
    version: Optional[str]
    #: "tier.controlled", "flag.x", a parameter name, or None.
    rule: Optional[str]
    message: str
    #: The example resident's id (a counterexample, or the embedded example).
    example_id: Optional[str]
    #: The example resident's fields, typed by the field dictionary
    #: (numbers float, dates datetime.date, codes a list); None without one.
    example: Optional[Mapping[str, ExampleValue]]
    #: The same resident as one JSON object, as `phs explain` reads it.
    example_json: Optional[str]
    #: The region of the input space ("age_years ≥ 65, 140 ≤ sbp < 150"),
    #: why a flag is dead, what changed in a rule, ... (phs_report_detail).
    detail: Optional[str]
    #: A diff transition's old and new outcome, a changed parameter's old and
    #: new value; `after` also for a dead tier (the outcome that takes its
    #: example) and an insufficient_data region (its example's outcome).
    before: Optional[str]
    after: Optional[str]
    #: The cells of a region (0 where the finding has none).
    cells: int


@dataclass(frozen=True)
class Cause:
    """A rule whose condition changed value for the residents (or cells) of
    a changed transition: its truth in the old and new version ("true",
    "false", "unknown", or "absent" for a rule one version lacks)."""

    rule: str
    old: str
    new: str
    #: Residents (population diffs) or cells (input-space diffs).
    count: int


@dataclass(frozen=True)
class Transition:
    """One cell of a diff's transition matrix."""

    old: str
    new: str
    #: Residents (population diffs) or cells (input-space diffs).
    count: int
    #: Up to max_examples resident ids (population diffs, changed cells).
    example_ids: Tuple[str, ...]
    #: Why a changed cell changes (empty for unchanged cells).
    causes: Tuple[Cause, ...] = ()
    #: The clauses the causes' rules cite.
    clauses: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Shift:
    """Residents whose next due date moves by `days` (new minus old)."""

    days: int
    residents: int


@dataclass(frozen=True)
class Dimension:
    """One dimension of a section's input space (verify, diff without a
    population)."""

    name: str
    #: A derived value found by a witness search (True) or fields (False).
    derived: bool
    #: Its values' labels ("140 ≤ sbp < 150", "absent", ...).
    values: Tuple[str, ...]


@dataclass(frozen=True)
class TableRow:
    """One row of a section's table of counts (see Section.tables)."""

    #: A tier, flag or rule id; for thresholds the variable.
    name: str
    #: For thresholds the threshold as text; else None.
    label: Optional[str]
    #: tiers: (count, 0, 0, 0); flags: verify (can fire, sampled, 0, 0),
    #: coverage (examples, 0, 0, 0), population diff (gained, lost, 0, 0);
    #: conditions: (true, false, unknown, 0); thresholds: (below, at,
    #: above, absent).
    values: Tuple[int, int, int, int]


@dataclass(frozen=True)
class Section:
    """One program version analysed (for a diff: one program compared)."""

    program: str
    #: The version (a diff: the old one).
    version: Optional[str]
    #: A diff's new version; None otherwise.
    new_version: Optional[str]
    totals: Mapping[str, int]
    #: A diff's transition matrix, cell by cell (row-major, empty cells
    #: included); empty otherwise.
    transitions: Tuple[Transition, ...]
    #: A population diff's due-date shifts, ascending; empty otherwise.
    shifts: Tuple[Shift, ...]
    #: The version's status ("production", "provisional", ...).
    status: Optional[str]
    #: The version's fingerprint (a diff: the old one's), and a diff's new
    #: version's fingerprint (None otherwise).
    fingerprint: Optional[str]
    new_fingerprint: Optional[str]
    #: The version's first and last effective day (None: open).
    effective_from: Optional[_dt.date]
    effective_to: Optional[_dt.date]
    #: verify: the visit date the section's cells were checked on.
    date: Optional[_dt.date]
    #: The dimensions of the input space (verify; diff without population).
    dimensions: Tuple[Dimension, ...]
    #: Tables of counts by name: "tiers", "flags", "conditions",
    #: "thresholds" (each present, empty where the analysis has none).
    tables: Mapping[str, Tuple[TableRow, ...]]


@dataclass(frozen=True)
class Report:
    """What every analysis returns."""

    #: "verify", "diff", "coverage", "test" or "strict".
    analysis: str
    totals: Mapping[str, int]
    sections: Tuple[Section, ...]
    findings: Tuple[Finding, ...]
    errors: int
    warnings: int
    #: The library's text and JSON renderings of the same report.
    text: str
    json: str
    #: The rule set's fingerprint (a diff: the old one's), and a diff's new
    #: rule set's fingerprint (None otherwise).
    fingerprint: Optional[str]
    new_fingerprint: Optional[str]
    #: The population file a diff read (None without one).
    population: Optional[str]
    #: verify, diff: cells checked exhaustively before sampling, and the
    #: sample's seed, defaults filled in (0 for the other analyses).
    max_cells: int
    seed: int

    @property
    def ok(self) -> bool:
        """True when the report holds no error."""
        return self.errors == 0

    def of_kind(self, kind: str) -> Tuple[Finding, ...]:
        """The findings of one kind ("gap", "dead_tier", ...)."""
        return tuple(f for f in self.findings if f.kind == kind)


@dataclass(frozen=True)
class VerifyReport(Report):
    """Engine.verify: gaps, dead tiers, dead flags, insufficient data."""

    @property
    def gaps(self) -> Tuple[Finding, ...]:
        return self.of_kind("gap")

    @property
    def dead_tiers(self) -> Tuple[Finding, ...]:
        return self.of_kind("dead_tier")

    @property
    def dead_flags(self) -> Tuple[Finding, ...]:
        return self.of_kind("dead_flag")


@dataclass(frozen=True)
class DiffReport(Report):
    """Engine.diff: transition matrices, due-date shifts, changed rules."""

    @property
    def changed(self) -> int:
        """Residents (or cells) whose outcome changes, over all programs."""
        return self.totals["changed"]

    def transitions(self) -> "pandas.DataFrame":
        """The transition matrices as one DataFrame: one row per non-empty
        cell with columns program, old_version, new_version, old, new,
        count, example_ids (a tuple of resident ids), causes (a tuple of
        Cause) and clauses (a tuple of clause ids)."""
        import pandas as pd

        rows = [
            {"program": s.program, "old_version": s.version,
             "new_version": s.new_version, "old": t.old, "new": t.new,
             "count": t.count, "example_ids": t.example_ids,
             "causes": t.causes, "clauses": t.clauses}
            for s in self.sections for t in s.transitions if t.count
        ]
        columns = ["program", "old_version", "new_version", "old", "new",
                   "count", "example_ids", "causes", "clauses"]
        return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class CoverageReport(Report):
    """Engine.coverage: what the embedded examples exercise."""


@dataclass(frozen=True)
class TestReport(Report):
    """Engine.test: every embedded example, passed or failed."""

    __test__ = False  # not a pytest test class

    @property
    def passed(self) -> int:
        return self.totals["passed"]

    @property
    def failed(self) -> int:
        return self.totals["failed"]

    @property
    def failures(self) -> Tuple[Finding, ...]:
        return self.of_kind("example_failed")


@dataclass(frozen=True)
class StrictReport(Report):
    """Engine.check_strict: what a regulator refuses before sign-off."""


_CLASSES: Dict[int, Tuple[str, "type[Report]"]] = {
    core.PHS_ANALYSIS_VERIFY: ("verify", VerifyReport),
    core.PHS_ANALYSIS_DIFF: ("diff", DiffReport),
    core.PHS_ANALYSIS_COVERAGE: ("coverage", CoverageReport),
    core.PHS_ANALYSIS_TEST: ("test", TestReport),
    core.PHS_ANALYSIS_STRICT: ("strict", StrictReport),
}


def _totals(get: Any) -> Dict[str, int]:
    return {name: int(get(i)) for i, name in enumerate(_TOTALS)}


def _finding(r: core.Report, i: int) -> Finding:
    n = r.example_count(i)
    example: Optional[Dict[str, ExampleValue]] = None
    if r.example(i) is not None:
        example = {r.example_field(i, k): _value(r.example_value(i, k), r.example_type(i, k))
                   for k in range(n)}
    return Finding(
        kind=core.finding_kind_name(r.kind(i)),
        severity=core.severity_name(r.severity(i)),
        program=r.program(i),
        version=r.version(i),
        rule=r.rule(i),
        message=r.message(i) or "",
        example_id=r.example_id(i),
        example=example,
        example_json=r.example(i),
        detail=r.detail(i),
        before=r.before(i),
        after=r.after(i),
        cells=int(r.cells(i)),
    )


def _transition(r: core.Report, s: int, y: int, x: int) -> Transition:
    return Transition(
        r.matrix_row(s, y), r.matrix_col(s, x), int(r.matrix_cell(s, y, x)),
        tuple(r.matrix_example_id(s, y, x, k)
              for k in range(r.matrix_example_count(s, y, x))),
        tuple(Cause(r.cause_rule(s, y, x, k), r.cause_old(s, y, x, k),
                    r.cause_new(s, y, x, k), int(r.cause_residents(s, y, x, k)))
              for k in range(r.cause_count(s, y, x))),
        tuple(r.clause(s, y, x, k) for k in range(r.clause_count(s, y, x))))


def _dimension(r: core.Report, s: int, d: int) -> Dimension:
    return Dimension(
        r.dimension_name(s, d), r.dimension_derived(s, d) == 1,
        tuple(r.dimension_value(s, d, k) for k in range(r.dimension_value_count(s, d))))


def _table(r: core.Report, s: int, t: int) -> Tuple[TableRow, ...]:
    def row(k: int) -> TableRow:
        v0, v1, v2, v3 = (int(r.table_value(s, t, k, c)) for c in range(4))
        return TableRow(r.table_name(s, t, k), r.table_label(s, t, k), (v0, v1, v2, v3))
    return tuple(row(k) for k in range(r.table_rows(s, t)))


def _section(r: core.Report, s: int) -> Section:
    rows, cols = r.matrix_rows(s), r.matrix_cols(s)
    transitions = tuple(_transition(r, s, y, x) for y in range(rows) for x in range(cols))
    shifts = tuple(Shift(r.shift_days(s, k), int(r.shift_residents(s, k)))
                   for k in range(r.shift_count(s)))
    return Section(
        program=r.section_program(s),
        version=r.section_version(s),
        new_version=r.section_new_version(s),
        totals=_totals(lambda w: r.section_total(s, w)),
        transitions=transitions,
        shifts=shifts,
        status=r.section_status(s),
        fingerprint=r.section_fingerprint(s),
        new_fingerprint=r.section_new_fingerprint(s),
        effective_from=days_to_date(r.section_from(s)),
        effective_to=days_to_date(r.section_to(s)),
        date=days_to_date(r.section_date(s)),
        dimensions=tuple(_dimension(r, s, d) for d in range(r.dimension_count(s))),
        tables={name: _table(r, s, t) for name, t in _TABLES},
    )


def from_core(r: core.Report) -> Report:
    """Read a C report into its dataclass (the C report may then be freed)."""
    name, cls = _CLASSES[r.analysis()]
    return cls(
        analysis=name,
        totals=_totals(r.total),
        sections=tuple(_section(r, s) for s in range(r.section_count())),
        findings=tuple(_finding(r, i) for i in range(r.count())),
        errors=r.errors(),
        warnings=r.warnings(),
        text=r.text(),
        json=r.json(),
        fingerprint=r.fingerprint(),
        new_fingerprint=r.new_fingerprint(),
        population=r.population(),
        max_cells=r.max_cells(),
        seed=r.seed(),
    )
