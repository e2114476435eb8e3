"""Visit histories in, one period's performance indicators out
(phs/population.h; docs/population.md defines every indicator,
rules/indicators.yaml declares them).  phs.indicators and phs.report, which
load an engine for these, are in _district.py."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Iterable, List, Literal, Mapping, Protocol, Tuple, Union

from . import core
from ._types import DateLike, Program, date_to_days, days_to_date

if TYPE_CHECKING:  # pragma: no cover
    import pandas


class PopulationEngine(Protocol):
    """What a population needs of an engine (phs.Engine is one); a
    protocol, so that this module does not import the engine's."""

    programs: Tuple[Program, ...]

    def _ruleset(self) -> core.Ruleset: ...

#: A reporting period: a year (2024 or "2024"), "FROM:TO", or (from, to);
#: both days included.
PeriodLike = Union[int, str, Tuple[DateLike, DateLike]]

#: Parts of an indicator, as Indicators.residents names them.
PARTS = {"denominator": core.PHS_COUNTED_DENOMINATOR,
         "numerator": core.PHS_COUNTED_NUMERATOR,
         "undecided": core.PHS_COUNTED_UNDECIDED,
         "excluded": core.PHS_COUNTED_EXCLUDED}


def period_days(period: PeriodLike) -> Tuple[int, int]:
    """A period as (from, to) days since 1970-01-01, like ``phs report
    --period``: ``2024`` or ``"2024"`` is the calendar year."""
    if isinstance(period, tuple):
        start, end = date_to_days(period[0]), date_to_days(period[1])
    elif isinstance(period, int) or (isinstance(period, str) and period.isdigit()):
        year = int(period)
        start, end = date_to_days(_dt.date(year, 1, 1)), date_to_days(_dt.date(year, 12, 31))
    elif isinstance(period, str) and ":" in period:
        a, b = period.split(":", 1)
        start, end = date_to_days(a), date_to_days(b)
    else:
        raise ValueError(f"a period is a year, 'FROM:TO' or (from, to), not {period!r}")
    if end < start:
        raise ValueError(f"the period {period!r} ends before it starts")
    return start, end


class Indicators:
    """One period's numbers (``Population.indicators``): every indicator the
    rules declare, the tiers, the transitions and the overdue list."""

    def __init__(self, native: core.Indicators, engine: PopulationEngine) -> None:
        self._ind = native
        self._engine = engine
        self.period: Tuple[_dt.date, _dt.date] = (
            days_to_date(native.period_from()) or _dt.date.min,
            days_to_date(native.period_to()) or _dt.date.min)

    def frame(self) -> "pandas.DataFrame":
        """One row per indicator: ``indicator``, ``program`` (None when it
        counts every resident), ``title_zh``, ``title_en``, ``numerator``,
        ``denominator``, ``undecided`` (denominator, numerator unknown),
        ``excluded`` (denominator unknown), ``rate`` (NaN for an empty
        denominator), ``target`` (NaN when none) and ``cites``."""
        import pandas as pd

        ind = self._ind
        rows = [{
            "indicator": ind.id(i), "program": ind.program(i),
            "title_zh": ind.title(i, "zh"), "title_en": ind.title(i, "en"),
            "numerator": ind.numerator(i), "denominator": ind.denominator(i),
            "undecided": ind.undecided(i), "excluded": ind.excluded(i),
            "rate": ind.rate(i), "target": ind.target(i),
            "cites": tuple(ind.cite(i, c) for c in range(ind.cite_count(i))),
        } for i in range(ind.count())]
        return pd.DataFrame(rows, columns=[
            "indicator", "program", "title_zh", "title_en", "numerator", "denominator",
            "undecided", "excluded", "rate", "target", "cites"])

    def residents(self, indicator: str, part: str = "numerator") -> List[str]:
        """The ids counted in one part ("denominator", "numerator",
        "undecided", "excluded") of an indicator, in id order."""
        ind = self._ind
        i = next((k for k in range(ind.count()) if ind.id(k) == indicator), None)
        if i is None:
            raise KeyError(indicator)
        which = PARTS[part]
        return [ind.resident(i, which, k) for k in range(ind.resident_count(i, which))]

    def overdue(self) -> "pandas.DataFrame":
        """Who is overdue for what at the period's end, most days first:
        ``id``, ``program``, ``tier``, ``due`` (date), ``days``."""
        import pandas as pd

        ind, progs = self._ind, self._engine.programs
        rows = []
        for k in range(ind.overdue_count()):
            p = progs[ind.overdue_program(k)]
            t = ind.overdue_tier(k)
            rows.append({"id": ind.overdue_id(k), "program": p.id,
                         "tier": p.tiers[t] if 0 <= t < len(p.tiers) else None,
                         "due": days_to_date(ind.overdue_due(k)),
                         "days": ind.overdue_days(k)})
        return pd.DataFrame(rows, columns=["id", "program", "tier", "due", "days"])

    def to_json(self) -> str:
        """Every number as ``phs report --format json`` prints it."""
        return str(self._ind.to_json())

    def to_csv(self) -> str:
        """Every number as ``phs report --format csv`` prints it."""
        return str(self._ind.to_csv())


class Population:
    """Visit histories (many visits per resident, keyed by ``id`` and
    ``visit_date``), each visit classified once as it is added
    (``Engine.population()``).  Not for use by two threads at once."""

    def __init__(self, engine: PopulationEngine) -> None:
        rs = engine._ruleset()
        self._engine = engine
        self._rs = rs
        self._pop = core.Population(rs)
        self._rec = core.Record(rs)
        #: Visits refused with ``errors="skip"`` (no id, no visit date, a
        #: bad value).
        self.refused = 0

    @property
    def visits(self) -> int:
        return int(self._pop.visit_count())

    @property
    def residents(self) -> int:
        return int(self._pop.resident_count())

    def add(self, visits: Union["pandas.DataFrame", Iterable[Mapping[str, Any]]], *,
            errors: Literal["raise", "skip"] = "raise") -> "Population":
        """Add visits: a DataFrame (one row per visit) or mappings of field
        names to values (as ``Engine.classify``).  A visit without ``id`` or
        ``visit_date``, or with a bad value, raises :class:`phs.RecordError`
        (``errors="skip"``: is counted in :attr:`refused`)."""
        from .errors import RecordError

        rows: Iterable[Mapping[str, Any]]
        if hasattr(visits, "to_dict") and hasattr(visits, "columns"):
            frame: Any = visits
            rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        else:
            rows = visits
        for row in rows:
            try:
                self._rs.fill(self._rec, row)
                self._pop.add(self._rec)
            except RecordError:
                if errors != "skip":
                    raise
                self.refused += 1
        return self

    def indicators(self, period: PeriodLike) -> Indicators:
        """The indicators of the visits in ``period`` (overdue counted at
        its last day)."""
        start, end = period_days(period)
        return Indicators(self._pop.indicators(start, end), self._engine)
