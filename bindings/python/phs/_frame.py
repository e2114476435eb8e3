"""Engine.classify_frame: a pandas DataFrame through phs_classify_columns.

Each column is converted once to the C type of its field (float64 with NaN
absent; int8 with -1 absent; int32 days with PHS_DATE_NONE absent; text
fields as numpy object arrays or as category codes into a small table,
turned into C strings in one C pass), the whole frame is classified by one
C call with the GIL released, and the outputs (int16 tier indexes, int32
due days, uint64 flag masks) become columns through lookup tables indexed
with numpy.  A column of objects (read_csv's strings, bools with NaN) is
first reduced, in C, to codes into its distinct values; only those few
are converted by pandas.  No Python code runs per row, except to explain
the rows the library refused.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol, Tuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import core
from ._types import DateLike, Field, Program, date_to_days
from .errors import ERECORD, NotFoundError, RecordError


class FrameEngine(Protocol):
    """What classify_frame needs of an engine (phs.Engine is one); a
    protocol, so that this module does not import the engine's."""

    fields: Mapping[str, Field]
    programs: Tuple[Program, ...]
    _visit_field: int
    _versions: Tuple[Tuple[Tuple[Tuple[str, ...], Tuple[str, ...]], ...], ...]
    _versions_differ: Tuple[bool, ...]

    def _ruleset(self) -> core.Ruleset: ...

    def classify(self, resident: Mapping[str, Any], *,
                 as_of: Optional[DateLike] = None, ndjson: bool = False) -> Any: ...

_NONE = core.PHS_DATE_NONE
_NAT = np.iinfo(np.int64).min
_NS_PER_DAY = 86_400_000_000_000
# Tier outputs PHS_COL_ERROR (-4) .. k - 1, shifted to index lookup tables.
_TIER0 = -core.PHS_COL_ERROR

_TRUE = {True: 1, False: 0, 1: 1, 0: 0, 1.0: 1, 0.0: 0,
         "true": 1, "false": 0, "True": 1, "False": 0, "TRUE": 1, "FALSE": 0,
         "1": 1, "0": 0, "yes": 1, "no": 0}

# A converter: the values of a column (or its distinct values) in the C
# type of a field, and which of them are bad (None: none).
_Converted = Tuple[NDArray[Any], Optional[NDArray[Any]]]


def _numbers(s: "pd.Series") -> _Converted:
    if s.dtype == np.float64:  # NaN is already absent: the frame's own array
        return s.to_numpy(), None
    if s.dtype.kind in "iuf":
        return s.to_numpy(dtype=np.float64, na_value=np.nan), None
    conv = pd.to_numeric(s, errors="coerce")
    return (conv.to_numpy(dtype=np.float64, na_value=np.nan),
            (conv.isna() & s.notna()).to_numpy())


def _bools(s: "pd.Series") -> _Converted:
    na = s.isna().to_numpy()
    if s.dtype.kind in "biu":  # bool, pandas' nullable boolean, 0/1 integers
        v = s.to_numpy(dtype=np.float64, na_value=0.0)
        out = np.asarray(v, dtype=np.int8)
        out[na] = -1
        return out, (v != 0) & (v != 1) & ~na
    mapped = s.map(_TRUE)
    return (mapped.fillna(-1).to_numpy(dtype=np.int8),
            mapped.isna().to_numpy() & ~na)


def _dates(s: "pd.Series") -> _Converted:
    na = s.isna().to_numpy()
    if s.dtype.kind != "M":
        try:
            # (values already distinct: no cache of conversions)
            if s.dtype == object and all(isinstance(v, str) for v in s[~na].head(1)):
                s = pd.to_datetime(s, format="%Y-%m-%d", errors="raise", cache=False)
            else:
                s = pd.to_datetime(s, errors="raise", cache=False)
        except (ValueError, TypeError, OverflowError):
            conv = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
            return np.full(len(s), _NONE, dtype=np.int32), conv.isna().to_numpy() & ~na
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    ns = s.to_numpy(dtype="datetime64[ns]")
    out = ns.astype("datetime64[D]").view(np.int64).astype(np.int32)
    out[np.isnat(ns)] = _NONE
    return out, None


# Per field type: the converter, the absent value, what a good value is.
_CONVERT: Dict[str, Tuple[Callable[["pd.Series"], _Converted], Any, str]] = {
    "number": (_numbers, np.nan, "a number"),
    "bool": (_bools, -1, "a bool"),
    "date": (_dates, _NONE, "a date YYYY-MM-DD"),
}


def _factor(s: "pd.Series") -> Tuple[NDArray[Any], "pd.Series"]:
    """A categorical or object column as codes (-1: absent) into its
    distinct values: a Categorical's own codes and categories, or, for
    objects, the distinct values found in one C pass (core.factor_objects)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(), pd.Series(s.cat.categories)
    values = np.ascontiguousarray(s.to_numpy(dtype=object))
    codes = np.empty(len(values), dtype=np.int32)
    return codes, pd.Series(core.factor_objects(values, codes), dtype=object)


def _column(name: str, s: "pd.Series", type: str) -> NDArray[Any]:
    """A number, bool or date column in its C type."""
    convert, absent, want = _CONVERT[type]
    if type == "number" and s.dtype.kind == "b":
        raise RecordError(f"column '{name}': expected numbers, got bools", ERECORD, field=name)
    if s.dtype.kind not in "biufM":  # objects, strings, categories:
        codes, uniq = _factor(s)  # convert each distinct value once
        vals, bad = convert(uniq)
        if bad is not None and bad.any():
            raise _bad(name, s, np.append(bad, False)[codes], want)
        # code -1 (absent, in a Categorical) reads the appended absent value
        spread: NDArray[Any] = np.append(vals, np.array([absent], dtype=vals.dtype))[codes]
        return spread
    out, bad = convert(s)
    if bad is not None and bad.any():
        raise _bad(name, s, bad, want)
    return np.ascontiguousarray(out)


def _bad(name: str, s: "pd.Series", bad: NDArray[Any], want: str) -> RecordError:
    pos = int(np.flatnonzero(bad)[0])
    return RecordError(f"column '{name}', row {s.index[pos]!r}: {s.iloc[pos]!r} is not {want}",
                       ERECORD, field=name)


def _texts(u: Any) -> NDArray[Any]:
    """Distinct values of a text field as str where they are numbers (ids
    read by read_csv as integers or floats)."""
    a: NDArray[Any] = np.asarray(u)
    if a.dtype.kind in "iu":
        a = a.astype(str)
    elif a.dtype.kind == "f":
        a = np.array([str(int(v)) if float(v).is_integer() else str(v) for v in a])
    return a.astype(object)


def _text(s: "pd.Series") -> Tuple[NDArray[Any], Optional[NDArray[Any]]]:
    """A text column for the C call: an object array, or codes and the
    table they index."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(), _texts(s.cat.categories)
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        return np.ascontiguousarray(s.to_numpy(dtype=object)), None
    codes, uniq = pd.factorize(s)  # numbers: NaN is code -1, absent
    return codes, _texts(uniq)


def _version_of(rs: core.Ruleset, p: int, days: Optional[Tuple[NDArray[Any], NDArray[Any]]],
                n: int) -> NDArray[Any]:
    """The version of program p each resident was classified with (by
    visit date), looked up once per distinct day; `days` is the visit
    column factorized (codes, distinct days)."""
    if days is None:
        return np.full(n, rs.version_at(p, _NONE), dtype=np.int64)
    codes, uniq = days
    ver: NDArray[Any] = np.array([rs.version_at(p, int(d)) for d in uniq], dtype=np.int64)[codes]
    return ver


def _flag_sets(versions: Tuple[Tuple[Tuple[str, ...], Tuple[str, ...]], ...],
               masks: NDArray[Any], ver: Optional[NDArray[Any]]) -> NDArray[Any]:
    """Each resident's flag mask (of its version) as a tuple of flag ids,
    built once per distinct key = mask * versions + version and spread
    through a table: indexed by the key itself while keys are small (the
    usual few flags: no hashing), else by pd.factorize's codes."""
    nv = len(versions) if ver is not None else 1  # (versions alike: the first)
    keys: Any
    if len(masks) and int(masks.max()) * nv < 1 << 16:
        idx = masks.astype(np.intp)
        if ver is not None:
            idx *= nv
            idx += ver
        keys = np.flatnonzero(np.bincount(idx))
        slots: Any = keys
    else:
        idx, uniq = pd.factorize(masks)
        if ver is not None:
            idx, pairs = pd.factorize(idx.astype(np.int64) * nv + ver)
            keys = [int(uniq[k // nv]) * nv + int(k) % nv for k in pairs]
        else:
            keys = [int(m) * nv for m in uniq]
        slots = range(len(keys))
    sets = np.empty(int(slots[-1]) + 1 if len(keys) else 0, dtype=object)
    for slot, key in zip(slots, keys):
        m, v = divmod(int(key), nv)
        sets[slot] = tuple(fl for b, fl in enumerate(versions[v][1]) if m >> b & 1)
    rows: NDArray[Any] = sets[idx] if len(idx) else np.empty(0, dtype=object)
    return rows


def _tiers(versions: Tuple[Tuple[Tuple[str, ...], Tuple[str, ...]], ...],
           tier: NDArray[Any], ver: Optional[NDArray[Any]]) -> "pd.Categorical":
    """Tier outputs as a Categorical: the latest version's tiers, then older
    versions' others, then insufficient_data and unclassified."""
    cats: List[str] = []
    for tiers, _ in reversed(versions):
        cats += [x for x in tiers if x not in cats]
    k = len(cats)
    cats += ["insufficient_data", "unclassified"]
    width = _TIER0 + max(len(tiers) for tiers, _ in versions)
    lut = np.full((len(versions), width), -1, dtype=np.int8 if k < 126 else np.int32)
    lut[:, _TIER0 + core.PHS_COL_INSUFFICIENT_DATA] = k
    lut[:, _TIER0 + core.PHS_COL_UNCLASSIFIED] = k + 1
    for v, (tiers, _) in enumerate(versions):
        lut[v, _TIER0:_TIER0 + len(tiers)] = [cats.index(x) for x in tiers]
    at = tier.astype(np.intp) + _TIER0
    codes = lut[0][at] if ver is None else lut[ver, at]
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats))


def classify_frame(
    engine: FrameEngine,
    frame: "pd.DataFrame",
    *,
    as_of: Optional[DateLike] = None,
    errors: str = "record",
    ignore_unknown: bool = False,
) -> "pd.DataFrame":

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    if errors not in ("record", "raise"):
        raise ValueError("errors must be 'record' or 'raise'")
    rs = engine._ruleset()
    n = len(frame)
    fields: List[int] = []
    columns: List[Any] = []
    tables: List[Any] = []
    seen = set()
    for name in frame.columns:
        f = engine.fields.get(name) if isinstance(name, str) else None
        if f is None:
            if ignore_unknown:
                continue
            raise NotFoundError(f"unknown field '{name}' (a column of the frame)",
                                -7, field=str(name))
        if name in seen:
            raise RecordError(f"column '{name}' appears twice", ERECORD, field=name)
        seen.add(name)
        s = frame[name]
        table = None
        if f.type in _CONVERT:
            col: Any = _column(name, s, f.type)
            if as_of is not None and name == "visit_date":
                col[col == _NONE] = date_to_days(as_of)
        else:
            col, table = _text(s)
        fields.append(f.id)
        columns.append(col)
        tables.append(table)
    if as_of is not None and "visit_date" not in seen and engine._visit_field >= 0:
        fields.append(engine._visit_field)
        columns.append(np.full(n, date_to_days(as_of), dtype=np.int32))
        tables.append(None)

    np_ = len(engine.programs)
    tier_out = np.empty(n * np_, dtype=np.int16)
    due_out = np.empty(n * np_, dtype=np.int32)
    flags_out = np.empty(n * np_, dtype=np.uint64)
    status = np.empty(n, dtype=np.int32)
    core.classify_columns(rs, n, fields, columns, tables, tier_out, due_out, flags_out, status)
    tier = tier_out.reshape(n, np_)
    due = due_out.reshape(n, np_)
    flags = flags_out.reshape(n, np_)

    out: Dict[str, Any] = {}
    days = None  # the visit column factorized once, if a program needs it
    if (any(engine._versions_differ) and engine._visit_field >= 0
            and engine._visit_field in fields):
        days = pd.factorize(columns[fields.index(engine._visit_field)])
    for p, prog in enumerate(engine.programs):
        versions = engine._versions[p]
        # Outputs index the version used; look it up only where versions differ.
        ver = _version_of(rs, p, days, n) if engine._versions_differ[p] else None
        out[f"{prog.id}.tier"] = _tiers(versions, tier[:, p], ver)
        ns = due[:, p].astype(np.int64) * _NS_PER_DAY
        ns[due[:, p] == _NONE] = _NAT
        out[f"{prog.id}.next_due"] = ns.view("datetime64[ns]")
        out[f"{prog.id}.flags"] = _flag_sets(versions, flags[:, p], ver)

    err = np.full(n, None, dtype=object)
    bad = np.flatnonzero(status != 0)
    if len(bad):
        # Explain the refused rows (rare): the same resident as a mapping.
        sub = frame.iloc[bad]
        keep = [c for c in sub.columns if c in seen]
        for j, (_, row) in zip(bad.tolist(), sub[keep].iterrows()):
            try:
                engine.classify({str(k): v for k, v in row.items()}, as_of=as_of)
                message = f"refused (status {int(status[j])})"
            except RecordError as e:
                if errors == "raise":
                    raise RecordError(f"row {frame.index[j]!r}: {e.message}", e.code,
                                      field=e.field) from None
                message = e.message
            if errors == "raise":
                raise RecordError(f"row {frame.index[j]!r}: {message}", int(status[j]))
            err[j] = message
    out["error"] = err
    # Column by column: DataFrame(dict) would copy same-typed columns into
    # one block (as long as the C call); the frame stays a block a column.
    result = pd.DataFrame(index=frame.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        for key, values in out.items():
            result[key] = values
    return result
