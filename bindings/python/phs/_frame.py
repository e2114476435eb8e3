"""Engine.classify_frame: a pandas DataFrame through phs_classify_columns.

Each column is converted once, vectorised, to the C type of its field
(float64 with NaN absent; int8 with -1 absent; int32 days with
PHS_DATE_NONE absent; lists of str/None for strings, enums and codes), the
whole frame is classified by one C call with the GIL released, and the
outputs (int16 tier indexes, int32 due days, uint64 flag masks) become
columns with vectorised numpy/pandas operations.  No Python code runs per
row, except to explain the rows the library refused.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Protocol, Tuple

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

    def _ruleset(self) -> core.Ruleset: ...

    def classify(self, resident: Mapping[str, Any], *,
                 as_of: Optional[DateLike] = None, ndjson: bool = False) -> Any: ...

_NONE = core.PHS_DATE_NONE
_NAT = np.iinfo(np.int64).min

_TRUE = {True: 1, False: 0, 1: 1, 0: 0, 1.0: 1, 0.0: 0,
         "true": 1, "false": 0, "True": 1, "False": 0, "TRUE": 1, "FALSE": 0,
         "1": 1, "0": 0, "yes": 1, "no": 0}


def _bad(name: str, series: "pd.Series", mask: "NDArray[Any]", want: str) -> RecordError:
    pos = int(np.flatnonzero(mask)[0])
    value = series.iloc[pos]
    return RecordError(
        f"column '{name}', row {series.index[pos]!r}: {value!r} is not {want}",
        ERECORD, field=name)


def _numbers(name: str, s: "pd.Series") -> "NDArray[Any]":
    if s.dtype.kind == "b":
        raise RecordError(f"column '{name}': expected numbers, got bools", ERECORD, field=name)
    if s.dtype.kind in "iuf":
        return np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan),
                                    dtype=np.float64)
    try:
        return np.ascontiguousarray(
            pd.to_numeric(s, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan),
            dtype=np.float64)
    except (ValueError, TypeError):
        conv = pd.to_numeric(s, errors="coerce")
        raise _bad(name, s, (conv.isna() & s.notna()).to_numpy(), "a number") from None


def _bools(name: str, s: "pd.Series") -> "NDArray[Any]":
    na = s.isna().to_numpy()
    if s.dtype.kind in "biu":  # bool, pandas' nullable boolean, 0/1 integers
        v = s.to_numpy(dtype=np.float64, na_value=0.0)
        bad = (v != 0) & (v != 1) & ~na
        if bad.any():
            raise _bad(name, s, bad, "a bool (0/1)")
        out = np.asarray(v, dtype=np.int8)
        out[na] = -1
        return out
    mapped = s.map(_TRUE)
    bad = mapped.isna().to_numpy() & ~na
    if bad.any():
        raise _bad(name, s, bad, "a bool")
    return np.ascontiguousarray(mapped.fillna(-1).to_numpy(dtype=np.int8), dtype=np.int8)


def _dates(name: str, s: "pd.Series") -> "NDArray[Any]":
    if s.dtype.kind != "M":
        na = s.isna().to_numpy()
        try:
            if s.dtype == object and all(isinstance(v, str) for v in s[~na].head(1)):
                s = pd.to_datetime(s, format="%Y-%m-%d", errors="raise")
            else:
                s = pd.to_datetime(s, errors="raise")
        except (ValueError, TypeError, OverflowError):
            conv = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
            raise _bad(name, s, (conv.isna().to_numpy() & ~na), "a date YYYY-MM-DD") from None
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    days = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)
    out = np.asarray(days, dtype=np.int32)
    out[np.isnat(s.to_numpy(dtype="datetime64[ns]"))] = _NONE
    return out


def _strings(s: "pd.Series") -> List[Any]:
    if s.dtype.kind in "iu":
        s = s.astype(str)
    elif s.dtype.kind == "f":  # numeric ids read by read_csv; keep NaN absent
        s = s.map(lambda v: v if v != v else (str(int(v)) if float(v).is_integer() else str(v)))
    return list(s.tolist())


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
        if f.type == "number":
            col: Any = _numbers(name, s)
        elif f.type == "bool":
            col = _bools(name, s)
        elif f.type == "date":
            col = _dates(name, s)
            if as_of is not None and name == "visit_date":
                col[col == _NONE] = date_to_days(as_of)
        else:
            col = _strings(s)
        fields.append(f.id)
        columns.append(col)
    if as_of is not None and "visit_date" not in seen and engine._visit_field >= 0:
        fields.append(engine._visit_field)
        columns.append(np.full(n, date_to_days(as_of), dtype=np.int32))

    np_ = len(engine.programs)
    tier_out = np.empty(n * np_, dtype=np.int16)
    due_out = np.empty(n * np_, dtype=np.int32)
    flags_out = np.empty(n * np_, dtype=np.uint64)
    status = np.empty(n, dtype=np.int32)
    core.classify_columns(rs, n, fields, columns, tier_out, due_out, flags_out, status)
    tier = tier_out.reshape(n, np_)
    due = due_out.reshape(n, np_)
    flags = flags_out.reshape(n, np_)

    out: Dict[str, Any] = {}
    visit = None
    if engine._visit_field >= 0 and engine._visit_field in fields:
        visit = columns[fields.index(engine._visit_field)]
    for p, prog in enumerate(engine.programs):
        versions = engine._versions[p]
        t = tier[:, p].astype(np.int64)
        ver = np.zeros(n, dtype=np.int64)
        if len(versions) > 1:
            # The version each resident was classified with: by visit date.
            days = visit if visit is not None else np.full(n, _NONE, dtype=np.int32)
            uniq, inv = np.unique(days, return_inverse=True)
            ver = np.array([rs.version_at(p, int(d)) for d in uniq], dtype=np.int64)[inv]
        # Categories: the latest version's tiers, then older versions' others.
        cats: List[str] = []
        for tiers, _ in reversed(versions):
            cats += [x for x in tiers if x not in cats]
        k = len(cats)
        cats += ["insufficient_data", "unclassified"]
        width = max(len(tiers) for tiers, _ in versions) or 1
        lut = np.full((len(versions), width), -1, dtype=np.int64)
        for v, (tiers, _) in enumerate(versions):
            lut[v, :len(tiers)] = [cats.index(x) for x in tiers]
        codes = np.where(t >= 0, lut[ver, np.clip(t, 0, width - 1)],
                         np.where(t == core.PHS_COL_INSUFFICIENT_DATA, k,
                                  np.where(t == core.PHS_COL_UNCLASSIFIED, k + 1, -1)))
        out[f"{prog.id}.tier"] = pd.Categorical.from_codes(codes, categories=pd.Index(cats))
        d = due[:, p].astype(np.int64)
        d[due[:, p] == _NONE] = _NAT
        out[f"{prog.id}.next_due"] = d.view("datetime64[D]").astype("datetime64[ns]")
        key = flags[:, p] if len(versions) == 1 else \
            pd.MultiIndex.from_arrays([ver, flags[:, p]]).to_flat_index()
        idx, uniq_keys = pd.factorize(key)
        sets = np.empty(len(uniq_keys), dtype=object)
        for j, u in enumerate(uniq_keys):
            v, m = (0, int(u)) if len(versions) == 1 else (int(u[0]), int(u[1]))
            sets[j] = tuple(fl for b, fl in enumerate(versions[v][1]) if m >> b & 1)
        out[f"{prog.id}.flags"] = sets[idx] if n else np.empty(0, dtype=object)

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
    result = pd.DataFrame(out, index=frame.index)
    result["error"] = pd.Series(err, index=frame.index, dtype=object)
    return result
