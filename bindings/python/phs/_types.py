"""Types shared by the modules of the package: dates, paths, the
descriptions of programs and fields.  It imports no other module of the
package but ``core``, so every module can import it (no cycles)."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import Optional, Tuple, Union

from . import core

__all__ = ["DateLike", "PathLike", "FIELD_TYPES", "date_to_days", "days_to_date",
           "Program", "Field"]

DateLike = Union[_dt.date, str]
PathLike = Union[str, "os.PathLike[str]"]

_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()

#: Field value types, as named by the field dictionary (index = phs_type).
FIELD_TYPES = ("number", "bool", "string", "date", "enum", "codes")


def date_to_days(value: DateLike) -> int:
    """A ``datetime.date`` or ``"YYYY-MM-DD"`` as days since 1970-01-01."""
    if isinstance(value, str):
        return core.date_parse(value)
    if isinstance(value, _dt.date):
        return value.toordinal() - _EPOCH_ORDINAL
    raise TypeError(f"expected a datetime.date or 'YYYY-MM-DD', got {type(value).__name__}")


def days_to_date(days: int) -> Optional[_dt.date]:
    """Days since 1970-01-01 as a ``datetime.date`` (PHS_DATE_NONE: None)."""
    if days == core.PHS_DATE_NONE:
        return None
    return _dt.date.fromordinal(days + _EPOCH_ORDINAL)


@dataclass(frozen=True)
class Program:
    """A loaded program spec."""

    index: int
    id: str
    version: str
    status: str
    title_zh: Optional[str]
    title_en: Optional[str]
    #: Tier ids in first-match order.
    tiers: Tuple[str, ...]
    #: Flag ids; bit i of a flag mask is flags[i].
    flags: Tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """An input field of the dictionary."""

    id: int
    name: str
    #: "number", "bool", "string", "date", "enum" or "codes".
    type: str
