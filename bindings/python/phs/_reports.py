"""Reports of the regulator analyses as data: Engine.verify, .diff,
.coverage, .test and .check_strict return these dataclasses, read
accessor by accessor from the C report (phs_report_*, include/phs/analysis.h).

A report holds totals (cells, residents, examples passed ...), sections
(one per program version, or per program compared by a diff) and findings
(kind, severity, program, version, rule, message, example resident).  A
diff's sections carry the transition matrix and the due-date shifts;
:meth:`DiffReport.transitions` gives the matrix as a pandas DataFrame.
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
    "Transition",
    "Shift",
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


@dataclass(frozen=True)
class Transition:
    """One cell of a diff's transition matrix."""

    old: str
    new: str
    #: Residents (population diffs) or cells (input-space diffs).
    count: int
    #: Up to max_examples resident ids (population diffs, changed cells).
    example_ids: Tuple[str, ...]


@dataclass(frozen=True)
class Shift:
    """Residents whose next due date moves by `days` (new minus old)."""

    days: int
    residents: int


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
        count, example_ids (a tuple of resident ids)."""
        import pandas as pd

        rows = [
            {"program": s.program, "old_version": s.version,
             "new_version": s.new_version, "old": t.old, "new": t.new,
             "count": t.count, "example_ids": t.example_ids}
            for s in self.sections for t in s.transitions if t.count
        ]
        columns = ["program", "old_version", "new_version", "old", "new",
                   "count", "example_ids"]
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
    )


def _section(r: core.Report, s: int) -> Section:
    rows, cols = r.matrix_rows(s), r.matrix_cols(s)
    transitions = tuple(
        Transition(
            r.matrix_row(s, y), r.matrix_col(s, x), int(r.matrix_cell(s, y, x)),
            tuple(r.matrix_example_id(s, y, x, k)
                  for k in range(r.matrix_example_count(s, y, x))))
        for y in range(rows) for x in range(cols))
    shifts = tuple(Shift(r.shift_days(s, k), int(r.shift_residents(s, k)))
                   for k in range(r.shift_count(s)))
    return Section(
        program=r.section_program(s),
        version=r.section_version(s),
        new_version=r.section_new_version(s),
        totals=_totals(lambda w: r.section_total(s, w)),
        transitions=transitions,
        shifts=shifts,
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
    )
