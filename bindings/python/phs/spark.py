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

:func:`indicators` computes :func:`phs.indicators` on Spark: visits
repartitioned by resident id, one :class:`phs.Population` per partition,
per-indicator counts summed.

The executors need the ``phs`` package (the wheel built by ``pip wheel .``)
and libyaml and PCRE2; ``bindings/README.md`` gives the spark-submit recipe.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from ._engine import Engine, _yaml_scalar, default_rules_dir
from ._population import PeriodLike, period_days
from ._types import DateLike, PathLike

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import pyarrow
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

__all__ = ["classify", "indicators", "engine", "schema"]

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
    eng = engine(rules, params)
    run = functools.partial(
        _classify_batches, rules, dict(params or {}),
        None if as_of is None else str(as_of), eng.fingerprint,
        _fields(eng, df, ignore_unknown), df.sparkSession.conf.get("spark.sql.session.timeZone"))
    return df.mapInArrow(run, schema(eng, df.schema))


def _fields(eng: Engine, df: "DataFrame", ignore_unknown: bool) -> List[str]:
    """The columns of df that are dictionary fields; another column raises
    NotFoundError, here on the driver, unless ignore_unknown."""
    from .errors import NotFoundError

    unknown = [c for c in df.columns if c not in eng.fields]
    if unknown and not ignore_unknown:
        raise NotFoundError(f"unknown field '{unknown[0]}' (a column of the DataFrame)",
                            -7, field=unknown[0])
    return [c for c in df.columns if c in eng.fields]


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

    eng = _executor_engine(rules, params, fingerprint)
    for batch in batches:
        res = eng.classify_frame(_fields_frame(batch, fields, tz), as_of=as_of)
        arrays = list(batch.columns)
        names = list(batch.schema.names)
        for p in eng.programs:
            arrays.append(_program_array(res, p.id))
            names.append(p.id)
        arrays.append(pa.array(res["error"].to_numpy(), type=pa.string(), from_pandas=True))
        arrays.append(pa.array([eng.fingerprint] * batch.num_rows, type=pa.string()))
        names += ["error", FINGERPRINT]
        yield pa.RecordBatch.from_arrays(arrays, names=names)


def _executor_engine(rules: Optional[PathLike], params: Dict[str, Any],
                     fingerprint: str) -> Engine:
    """This worker's engine, refusing rules that are not the driver's."""
    eng = engine(rules, params)
    if eng.fingerprint != fingerprint:
        raise RuntimeError(
            f"this executor's rules ({eng.rules_dir}, fingerprint {eng.fingerprint}) are "
            f"not the driver's (fingerprint {fingerprint}): install the same phs wheel "
            "and rules everywhere")
    return eng


def _fields_frame(batch: "pyarrow.RecordBatch", fields: List[str],
                  tz: Optional[str]) -> "pandas.DataFrame":
    """The dictionary fields of an Arrow batch as a pandas frame: arrays of
    codes joined as "A;B" by Arrow (not per row in Python), timestamps as
    local times of the session's zone (Spark sends UTC instants)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = [batch.column(batch.schema.get_field_index(c)) for c in fields]
    cols = [pc.binary_join(a, ";") if pa.types.is_list(a.type) else a for a in cols]
    frame = pa.RecordBatch.from_arrays(cols, names=fields).to_pandas(date_as_object=False)
    for c in fields:
        if tz and getattr(frame[c].dtype, "tz", None) is not None:
            frame[c] = frame[c].dt.tz_convert(tz)
    return frame


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


#: Per indicator, what each partition counts (then summed).
_COUNTS = ("numerator", "denominator", "undecided", "excluded")


def indicators(
    df: "DataFrame",
    *,
    period: PeriodLike,
    rules: Optional[PathLike] = None,
    params: Optional[Mapping[str, Any]] = None,
    partitions: Optional[int] = None,
    ignore_unknown: bool = False,
) -> "pandas.DataFrame":
    """:func:`phs.indicators` over a Spark DataFrame of visits (one row per
    visit, keyed by ``id`` and ``visit_date``): the same pandas frame, with
    the same numbers, one row per indicator.

    The visits are repartitioned by ``id`` (``partitions``, default the
    context's parallelism), so that each resident's whole history is in one
    partition; each partition is added to one :class:`phs.Population` and
    counts its residents for every indicator; the counts are summed, which is
    exact because a resident is counted in one partition only.  A visit
    without id or visit date, or with a bad value, fails the job (as
    ``errors="raise"``)."""
    import pandas as pd
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    eng = engine(rules, params)
    period_days(period)  # a bad period fails here, not on the executors
    fields = _fields(eng, df, ignore_unknown)
    if "id" not in fields:
        raise ValueError("the visits need an 'id' column (residents are keyed by it)")
    run = functools.partial(_count_partition, rules, dict(params or {}), eng.fingerprint,
                            fields, df.sparkSession.conf.get("spark.sql.session.timeZone"),
                            period)
    counts = StructType([StructField("indicator", StringType(), False)]
                        + [StructField(c, LongType(), False) for c in _COUNTS])
    n = partitions or df.sparkSession.sparkContext.defaultParallelism
    sums = pd.DataFrame(
        df.select(*fields).repartition(n, "id").mapInArrow(run, counts)
        .groupBy("indicator").agg(*[F.sum(c).alias(c) for c in _COUNTS]).toPandas()
    ).set_index("indicator")
    # Titles, targets and citations: the rule set's, as for no visits.
    frame = eng.population().indicators(period).frame()
    for c in _COUNTS:
        frame[c] = [int(sums[c].get(i, 0)) for i in frame["indicator"]]
    frame["rate"] = [r.numerator / r.denominator if r.denominator else float("nan")
                     for r in frame.itertuples()]
    return pd.DataFrame(frame)


def _count_partition(
    rules: Optional[PathLike],
    params: Dict[str, Any],
    fingerprint: str,
    fields: List[str],
    tz: Optional[str],
    period: PeriodLike,
    batches: Iterable["pyarrow.RecordBatch"],
) -> Iterator["pyarrow.RecordBatch"]:
    """On an executor: one partition's visits (whole histories) into one
    population; per indicator its counts."""
    import pyarrow as pa

    pop = _executor_engine(rules, params, fingerprint).population()
    for batch in batches:
        pop.add(_fields_frame(batch, fields, tz))
    native = pop.indicators(period)._ind
    ids = [native.id(i) for i in range(native.count())]
    yield pa.RecordBatch.from_arrays(
        [pa.array(ids, type=pa.string())]
        + [pa.array([getattr(native, c)(i) for i in range(native.count())], type=pa.int64())
           for c in _COUNTS],
        names=["indicator", *_COUNTS])
