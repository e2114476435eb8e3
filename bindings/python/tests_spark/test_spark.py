"""phs.spark on a local Spark session: the same answers as the frame path."""
import datetime as dt

import pytest

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyspark")

from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

import phs  # noqa: E402
from phs import spark as phs_spark  # noqa: E402

from conftest import RESIDENTS_CSV  # noqa: E402

SPARK_TYPES = {"number": T.DoubleType(), "bool": T.BooleanType(), "date": T.DateType()}

HTN = {"id": "h1", "age": 58.0, "visit_date": dt.date(2024, 6, 1), "diagnoses": "I10",
       "sbp": 176.0, "dbp": 108.0}


def read_residents(spark, engine):
    """examples/residents.csv with each column typed as its field."""
    header = open(RESIDENTS_CSV, encoding="utf-8").readline().strip().split(",")
    names = [c for c in header if c]
    schema = T.StructType([T.StructField(c, SPARK_TYPES.get(engine.fields[c].type,
                                                            T.StringType()))
                           for c in names])
    frame = pd.read_csv(RESIDENTS_CSV, dtype={"id": str}, usecols=names)[names]
    return spark.read.csv(RESIDENTS_CSV, header=True, schema=schema, enforceSchema=False), frame


def flat(out, engine):
    """The result columns as one pandas frame, sorted by id."""
    cols = [F.col("id")]
    for p in engine.programs:
        cols += [F.col(f"{p.id}.{k}").alias(f"{p.id}.{k}") for k in ("tier", "next_due", "flags")]
    cols += [F.col("error"), F.col(phs_spark.FINGERPRINT)]
    return out.select(*cols).toPandas().sort_values("id").reset_index(drop=True)


def expected(engine, frame, **kw):
    res = engine.classify_frame(frame, **kw)
    res.insert(0, "id", frame["id"].to_numpy())
    return res.sort_values("id").reset_index(drop=True)


def assert_same(got, want, engine):
    assert list(got["id"]) == list(want["id"])
    for p in engine.programs:
        for i in range(len(want)):
            tier = want[f"{p.id}.tier"].iloc[i]
            rid = want["id"].iloc[i]
            if pd.isna(tier):  # not enrolled: the struct is null
                assert got[f"{p.id}.tier"].iloc[i] is None, (rid, p.id)
                assert got[f"{p.id}.next_due"].iloc[i] is None, (rid, p.id)
                continue
            assert got[f"{p.id}.tier"].iloc[i] == tier, (rid, p.id)
            due = want[f"{p.id}.next_due"].iloc[i]
            assert got[f"{p.id}.next_due"].iloc[i] == (None if pd.isna(due) else due.date()), \
                (rid, p.id)
            assert tuple(got[f"{p.id}.flags"].iloc[i]) == want[f"{p.id}.flags"].iloc[i], \
                (rid, p.id)
    assert list(got["error"]) == list(want["error"])


def test_residents_match_the_frame_path(spark, engine):
    df, frame = read_residents(spark, engine)
    out = phs_spark.classify(df.repartition(3), as_of="2024-06-01")
    got = flat(out, engine)
    want = expected(engine, frame, as_of="2024-06-01")
    assert len(got) == len(frame) > 20
    assert_same(got, want, engine)
    # Every row carries the fingerprint of the rules that classified it.
    assert set(got[phs_spark.FINGERPRINT]) == {engine.fingerprint}
    # Several tiers of several programs occur: the comparison is not vacuous.
    assert got["hypertension.tier"].nunique() >= 3
    assert got["diabetes.tier"].nunique() >= 2


def test_output_schema_is_explicit(spark, engine):
    df, _ = read_residents(spark, engine)
    out = phs_spark.classify(df)
    assert out.columns[:len(df.columns)] == df.columns
    assert out.columns[len(df.columns):] == [p.id for p in engine.programs] + [
        "error", "rules_fingerprint"]
    htn = out.schema["hypertension"].dataType
    assert htn == T.StructType([
        T.StructField("tier", T.StringType()), T.StructField("next_due", T.DateType()),
        T.StructField("flags", T.ArrayType(T.StringType(), False))])
    assert out.schema["rules_fingerprint"].dataType == T.StringType()
    assert out.schema["rules_fingerprint"].nullable is False
    # The input's columns come back unchanged.
    assert out.select(df.columns).exceptAll(df).count() == 0


def test_input_column_types(spark, engine):
    """Numbers as ints, codes as an array, a visit timestamp read in the
    session's time zone: the same result as the plain record."""
    want = engine.classify({k: v for k, v in HTN.items()})["hypertension"]
    schema = T.StructType([
        T.StructField("id", T.StringType()), T.StructField("age", T.IntegerType()),
        T.StructField("visit_date", T.TimestampType()),
        T.StructField("diagnoses", T.ArrayType(T.StringType())),
        T.StructField("sbp", T.LongType()), T.StructField("dbp", T.IntegerType())])
    spark.conf.set("spark.sql.session.timeZone", "Asia/Shanghai")
    try:
        # 00:30 in Shanghai is 16:30 the day before in UTC: a wrong time
        # zone would classify the visit of 31 May.
        df = spark.createDataFrame(
            [("h1", 58, dt.datetime(2024, 6, 1, 0, 30), ["I10", "E11"], 176, 108),
             ("h2", 58, dt.datetime(2024, 6, 1, 0, 30), [], 176, 108)], schema)
        rows = {r["id"]: r for r in phs_spark.classify(df).collect()}
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert rows["h1"]["hypertension"]["tier"] == want.tier
    assert rows["h1"]["hypertension"]["next_due"] == want.next_due
    assert rows["h1"]["diabetes"] is not None  # E11 reached the engine
    assert rows["h2"]["hypertension"] is None  # no diagnosis: not enrolled
    assert rows["h2"]["diabetes"] is None


def test_refused_rows_keep_their_reason(spark, engine):
    bad = dict(HTN, id="bad", sbp=-5.0)
    frame = pd.DataFrame([HTN, bad])
    want = engine.classify_frame(frame)
    assert want["error"].iloc[1]  # the frame path refuses it too
    out = phs_spark.classify(spark.createDataFrame(frame)).collect()
    rows = {r["id"]: r for r in out}
    assert rows["h1"]["error"] is None
    assert rows["bad"]["error"] == want["error"].iloc[1]
    assert rows["bad"]["hypertension"] is None


def test_unknown_columns(spark, engine):
    df = spark.createDataFrame(pd.DataFrame([dict(HTN, district="Xuhui")]))
    with pytest.raises(phs.NotFoundError) as e:
        phs_spark.classify(df)
    assert e.value.field == "district"
    row = phs_spark.classify(df, ignore_unknown=True).collect()[0]
    assert row["district"] == "Xuhui"  # carried through unread
    assert row["hypertension"]["tier"] == "uncontrolled"


def test_output_names_must_be_free(spark):
    df = spark.createDataFrame(pd.DataFrame([dict(HTN, error="x")]))
    with pytest.raises(ValueError, match="error"):
        phs_spark.classify(df, ignore_unknown=True)


def test_params_reach_the_executors(spark, engine):
    """Parameters are part of the rule set: another fingerprint, and the
    executors classify with them."""
    params = {"hypertension.bp_target_profile": "guideline_2025"}
    row = dict(HTN, sbp=135.0, dbp=85.0)
    df = spark.createDataFrame(pd.DataFrame([row]))
    with phs.Engine(params=params) as other:
        want = other.classify(row)["hypertension"].tier
        got = phs_spark.classify(df, params=params).collect()[0]
        assert got["rules_fingerprint"] == other.fingerprint != engine.fingerprint
    assert got["hypertension"]["tier"] == want
    assert want != engine.classify(row)["hypertension"].tier


def test_one_engine_per_python_worker(spark):
    """The rule set is loaded once per worker process, whatever the number
    of tasks and batches it runs."""
    df = spark.range(0, 60, numPartitions=6)
    # Classify first, so that every worker has loaded the default engine.
    phs_spark.classify(spark.createDataFrame(pd.DataFrame([HTN] * 60)).repartition(6)) \
        .write.format("noop").mode("overwrite").save()

    def probe(batches):
        import os

        from phs import spark as s

        for b in batches:
            e = s.engine()
            yield pd.DataFrame({"pid": [os.getpid()] * len(b), "engine": [id(e)] * len(b)})

    seen = df.mapInPandas(probe, "pid long, engine long").toPandas()
    assert len(seen) == 60
    assert seen.groupby("pid")["engine"].nunique().max() == 1


def test_executor_with_other_rules_fails(engine):
    """A worker whose rules are not the driver's refuses to classify."""
    batch = pa.RecordBatch.from_pandas(pd.DataFrame([HTN]), preserve_index=False)
    with pytest.raises(RuntimeError, match="not the driver's"):
        list(phs_spark._classify_batches(None, {}, None, "sha256:other", ["id"], "UTC",
                                         [batch]))


def test_types_with_pyspark_present():
    """mypy --strict on the package and examples/spark/classify.py with
    pyspark's own annotations (the python-types test runs where pyspark is
    absent)."""
    import importlib.util
    import os
    import subprocess
    import sys

    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (apt-get install python3-mypy)")
    package = os.path.dirname(phs.__file__)
    runner = os.path.join(os.environ["PHS_SOURCE_ROOT"], "bindings", "python", "run_mypy.py")
    example = os.path.join(os.environ["PHS_SOURCE_ROOT"], "examples", "spark", "classify.py")
    done = subprocess.run([sys.executable, runner, package, example], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------
# Indicators over visit histories
# ---------------------------------------------------------------------------

def _hand():
    """The hand-computed population of tests/test_population.c (kept in the
    python suite's test_population.py)."""
    import importlib.util
    import os

    path = os.path.join(os.path.dirname(__file__), "..", "tests", "test_population.py")
    spec = importlib.util.spec_from_file_location("hand_population", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _typed(spark, frame, engine):
    """A Spark DataFrame of the pandas visits, each column typed as its
    field (dates as DateType)."""
    schema = T.StructType([T.StructField(c, SPARK_TYPES.get(engine.fields[c].type,
                                                            T.StringType()))
                           for c in frame.columns])
    rows = frame.astype(object).where(frame.notna(), None)
    for c in frame.columns:
        if engine.fields[c].type == "date":
            rows[c] = [None if v is None else dt.date.fromisoformat(v) for v in rows[c]]
        elif engine.fields[c].type == "number":
            rows[c] = [None if v is None else float(v) for v in rows[c]]
        elif engine.fields[c].type == "bool":
            rows[c] = [None if v is None else v in (True, "true") for v in rows[c]]
    return spark.createDataFrame(rows.values.tolist(), schema)


def test_indicators_hand_computed(spark, tmp_path):
    import io

    hand = _hand()
    for name, text in (("fields.yaml", hand.DICT), ("bp.yaml", hand.BP),
                       ("indicators.yaml", hand.IND)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    rules = str(tmp_path)
    visits = pd.read_csv(io.StringIO(hand.VISITS), dtype=str)
    with phs.Engine(rules) as eng:
        df = _typed(spark, visits, eng)
    # Three partitions for 12 residents: histories must stay whole.
    got = phs_spark.indicators(df, period=2024, rules=rules, partitions=3)
    want = phs.indicators(visits, period=2024, rules=rules)
    pd.testing.assert_frame_equal(got, want)
    byname = got.set_index("indicator")
    for name, (den, num, und) in hand.WANT_2024.items():
        assert byname.loc[name, "denominator"] == len(den.split()), name
        assert byname.loc[name, "numerator"] == len(num.split()), name
        assert byname.loc[name, "undecided"] == len(und.split()), name


def test_indicators_match_phs_report(spark, engine):
    """examples/visits.csv: the numbers of `phs report --format csv`."""
    import os
    import subprocess

    src = os.path.join(os.environ["PHS_SOURCE_ROOT"], "examples", "visits.csv")
    cli = os.path.join(os.environ["PHS_BUILD_ROOT"], "cli", "phs")
    if not os.access(cli, os.X_OK):
        pytest.skip(f"the phs command is not built ({cli})")
    out = subprocess.run([cli, "report", "--rules", engine.rules_dir, "--period", "2024",
                          "--format", "csv", src], capture_output=True, text=True, check=True)
    want = {}
    for line in out.stdout.splitlines():
        kind, _program, name, detail, value = line.split(",", 4)
        if kind == "indicator" and detail in ("numerator", "denominator", "undecided",
                                              "excluded"):
            want[(name, detail)] = int(value)
    visits = pd.read_csv(src, dtype=str)
    got = phs_spark.indicators(_typed(spark, visits, engine), period=2024, partitions=4)
    assert len(got) == len({k[0] for k in want}) > 0
    for row in got.itertuples():
        for part in ("numerator", "denominator", "undecided", "excluded"):
            assert getattr(row, part) == want[(row.indicator, part)], (row.indicator, part)
    assert got["denominator"].sum() > 1000  # a district, not an empty page
