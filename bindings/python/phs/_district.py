"""phs.indicators and phs.report: load an engine, add the visits, compute one
period's indicators (_population.py has the objects underneath)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Optional, Union

from ._engine import Engine
from ._population import PeriodLike
from ._types import PathLike

if TYPE_CHECKING:  # pragma: no cover
    import pandas


def indicators(
    visits: Union["pandas.DataFrame", Iterable[Mapping[str, Any]]],
    *,
    period: PeriodLike,
    rules: Optional[PathLike] = None,
    params: Optional[Mapping[str, Any]] = None,
    errors: Literal["raise", "skip"] = "raise",
) -> "pandas.DataFrame":
    """Every indicator of ``period`` over these visits, one row each
    (:meth:`Indicators.frame`: numerator, denominator, undecided, excluded,
    rate, target, cites).  ``rules`` and ``params`` as for
    :class:`phs.Engine`."""
    with Engine(rules, params=params) as engine:
        return engine.population().add(visits, errors=errors).indicators(period).frame()


def report(
    visits: Union["pandas.DataFrame", Iterable[Mapping[str, Any]]],
    *,
    period: PeriodLike,
    path: Optional[PathLike] = None,
    format: Literal["json", "csv"] = "json",
    rules: Optional[PathLike] = None,
    params: Optional[Mapping[str, Any]] = None,
    errors: Literal["raise", "skip"] = "raise",
) -> str:
    """``phs report --format json|csv`` from Python: the same bytes, written
    to ``path`` when given, and returned.  (The HTML page is drawn by the
    ``phs`` command: ``phs report --format html``.)"""
    if format not in ("json", "csv"):
        raise ValueError("format must be 'json' or 'csv'")
    with Engine(rules, params=params) as engine:
        ind = engine.population().add(visits, errors=errors).indicators(period)
        # The command's bytes: its JSON object ends with a newline.
        text = ind.to_json() + "\n" if format == "json" else ind.to_csv()
    if path is not None:
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            f.write(text)
    return text
