"""phs.spark: libphs on a PySpark DataFrame, for a province's residents.

    from phs import spark as phs_spark
    out = phs_spark.classify(df, as_of="2024-06-01")
    out.select("id", "hypertension.tier", "hypertension.next_due", "rules_fingerprint")

:func:`classify` runs :meth:`phs.Engine.classify_frame` (one C call per
Arrow batch, no Python per row) inside ``DataFrame.mapInArrow``: the input's
columns go back as they came, untouched, and the results are built as Arrow
arrays, so that only the dictionary fields are converted to pandas.  Each
Python worker loads the rule set once and keeps it for every later task
(:func:`engine`, a module-level cache keyed by rules directory and
parameters); every output row carries the rule set's fingerprint, and a
worker whose rules differ from the driver's fails the job instead of mixing
two rule sets in one output.

The executors need the ``phs`` package (the wheel built by ``pip wheel .``)
and libyaml and PCRE2; ``bindings/README.md`` gives the spark-submit recipe.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from ._engine import Engine, _yaml_scalar, default_rules_dir
from ._types import DateLike, PathLike

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import pyarrow
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

__all__ = ["classify", "engine", "schema"]

#: The column every output row carries: the fingerprint of the rules used.
FINGERPRINT = "rules_fingerprint"

_Key = Tuple[str, Tuple[Tuple[str, str], ...]]
_engines: Dict[_Key, Engine] = {}
_engines_lock = threading.Lock()


def _key(rules: Optional[PathLike], params: Optional[Mapping[str, Any]]) -> _Key:
    where = os.fspath(rules) if rules is not None else default_rules_dir()
    return where, tuple(sorted((str(k), _yaml_scalar(v)) for k, v in (params or {}).items()))


def engine(rules: Optional[PathLike] = None,
           params: Optional[Mapping[str, Any]] = None) -> Engine:
    """The engine of this process for these rules and parameters, loaded on
    first use and kept (executors call it once per Python worker, not per
    task or batch).  Never close it."""
    key = _key(rules, params)
    with _engines_lock:
        e = _engines.get(key)
        if e is None:
            e = _engines[key] = Engine(key[0], params=params)
        return e


def schema(eng: Engine, input_schema: "StructType") -> "StructType":
    """The output schema of :func:`classify`: the input's columns, then one
    struct per program (``tier`` string, ``next_due`` date, ``flags`` array
    of strings; all null when not enrolled), ``error`` (null, or why the
    row was refused) and ``rules_fingerprint``."""
    from pyspark.sql.types import ArrayType, DateType, StringType, StructField, StructType

    taken = set(input_schema.fieldNames())
    program = StructType([StructField("tier", StringType(), True),
                          StructField("next_due", DateType(), True),
                          StructField("flags", ArrayType(StringType(), False), True)])
    added = [StructField(p.id, program, True) for p in eng.programs]
    added += [StructField("error", StringType(), True),
              StructField(FINGERPRINT, StringType(), False)]
    clash = [f.name for f in added if f.name in taken]
    if clash:
        raise ValueError(f"the input already has output column(s) {clash}; "
                         "rename or drop them first")
    return StructType(list(input_schema.fields) + added)


def classify(
    df: "DataFrame",
    *,
    rules: Optional[PathLike] = None,
    params: Optional[Mapping[str, Any]] = None,
    as_of: Optional[DateLike] = None,
    ignore_unknown: bool = False,
) -> "DataFrame":
    """Classify every row of a Spark DataFrame; returns a DataFrame with the
    input's columns and, per program, a struct column named after it
    (``hypertension.tier``, ``.next_due``, ``.flags``), then ``error`` and
    ``rules_fingerprint`` (see :func:`schema`).  Lazy, like any Spark
    transformation.

    Columns are dictionary fields (Spark strings, numbers, booleans, dates
    or timestamps, read as dates in the session's time zone; ``diagnoses``
    a string ``"I10;E11"`` or an array of strings); other columns raise
    :class:`phs.NotFoundError` here, on the driver, unless
    ``ignore_unknown`` (they are then carried through unread).  ``rules``
    (default: :func:`phs.default_rules_dir` as each executor resolves it)
    and ``params`` are those of :class:`phs.Engine`; ``as_of`` is the visit
    date of rows without ``visit_date``.  A refused row gets its reason in
    ``error``, like ``Engine.classify_frame(errors="record")``.
    """
    from .errors import NotFoundError

    eng = engine(rules, params)
    unknown = [c for c in df.columns if c not in eng.fields]
    if unknown and not ignore_unknown:
        raise NotFoundError(f"unknown field '{unknown[0]}' (a column of the DataFrame)",
                            -7, field=unknown[0])
    run = functools.partial(
        _classify_batches, rules, dict(params or {}),
        None if as_of is None else str(as_of), eng.fingerprint,
        [c for c in df.columns if c in eng.fields],
        df.sparkSession.conf.get("spark.sql.session.timeZone"))
    return df.mapInArrow(run, schema(eng, df.schema))


def _classify_batches(
    rules: Optional[PathLike],
    params: Dict[str, Any],
    as_of: Optional[str],
    fingerprint: str,
    fields: List[str],
    tz: Optional[str],
    batches: Iterable["pyarrow.RecordBatch"],
) -> Iterator["pyarrow.RecordBatch"]:
    """On an executor: each Arrow batch through classify_frame; the input's
    columns go back untouched, the results are built as Arrow arrays."""
    import pyarrow as pa
    import pyarrow.compute as pc

    eng = engine(rules, params)
    if eng.fingerprint != fingerprint:
        raise RuntimeError(
            f"this executor's rules ({eng.rules_dir}, fingerprint {eng.fingerprint}) are "
            f"not the driver's (fingerprint {fingerprint}): install the same phs wheel "
            "and rules everywhere")
    for batch in batches:
        cols = [batch.column(batch.schema.get_field_index(c)) for c in fields]
        # Arrays of codes as "A;B": joined by Arrow, not per row in Python.
        cols = [pc.binary_join(a, ";") if pa.types.is_list(a.type) else a for a in cols]
        frame = pa.RecordBatch.from_arrays(cols, names=fields).to_pandas(date_as_object=False)
        for c in fields:  # Spark's timestamps are UTC instants: local dates
            if tz and getattr(frame[c].dtype, "tz", None) is not None:
                frame[c] = frame[c].dt.tz_convert(tz)
        res = eng.classify_frame(frame, as_of=as_of)
        arrays = list(batch.columns)
        names = list(batch.schema.names)
        for p in eng.programs:
            arrays.append(_program_array(res, p.id))
            names.append(p.id)
        arrays.append(pa.array(res["error"].to_numpy(), type=pa.string(), from_pandas=True))
        arrays.append(pa.array([eng.fingerprint] * batch.num_rows, type=pa.string()))
        names += ["error", FINGERPRINT]
        yield pa.RecordBatch.from_arrays(arrays, names=names)


def _program_array(res: "pandas.DataFrame", program: str) -> "pyarrow.StructArray":
    """One program's classify_frame columns as an Arrow struct array (null
    where not enrolled), without Python per row."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    tier = res[f"{program}.tier"].array
    codes = np.asarray(tier.codes, dtype=np.int64)
    absent = codes < 0
    tiers = pa.array(list(tier.categories), type=pa.string()).take(
        pa.array(codes, mask=absent))
    due = pa.array(res[f"{program}.next_due"].to_numpy().astype("datetime64[D]"),
                   type=pa.date32(), from_pandas=True)
    which, sets = pd.factorize(res[f"{program}.flags"])
    flags = pa.array([list(s) for s in sets], type=pa.list_(pa.string())).take(
        pa.array(which, mask=which < 0))
    return pa.StructArray.from_arrays(
        [tiers, due, flags], names=["tier", "next_due", "flags"], mask=pa.array(absent))
