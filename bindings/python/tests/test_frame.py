"""Engine.classify_frame: a DataFrame through phs_classify_columns."""
import datetime as dt
import math
import os

import pytest

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

import phs  # noqa: E402

from conftest import HTN1, RESIDENTS_CSV  # noqa: E402


def _row_dict(row):
    return {k: v for k, v in row.items()
            if not (v is None or (isinstance(v, float) and math.isnan(v)))}


def _agree(engine, frame, out, as_of=None):
    assert list(out.index) == list(frame.index)
    for i, (_, row) in enumerate(frame.iterrows()):
        try:
            r = engine.classify(_row_dict(row), as_of=as_of)
        except phs.RecordError as e:
            assert out["error"].iloc[i] == e.message
            continue
        assert out["error"].iloc[i] is None
        for p in r:
            tier = out[f"{p.program}.tier"].iloc[i]
            assert (None if pd.isna(tier) else tier) == p.tier, (row.get("id"), p.program)
            due = out[f"{p.program}.next_due"].iloc[i]
            assert (None if pd.isna(due) else due.date()) == p.next_due, (row.get("id"), p.program)
            assert out[f"{p.program}.flags"].iloc[i] == p.flags, (row.get("id"), p.program)


def test_residents_csv_agrees_with_records(engine):
    frame = pd.read_csv(RESIDENTS_CSV, dtype={"id": str})
    out = engine.classify_frame(frame, as_of="2024-06-01")
    assert len(out) == len(frame)
    for p in engine.programs:
        assert isinstance(out[f"{p.id}.tier"].dtype, pd.CategoricalDtype)
        assert out[f"{p.id}.next_due"].dtype.kind == "M"
    _agree(engine, frame, out, as_of="2024-06-01")


def test_the_fast_path_runs_no_python_per_row(engine, monkeypatch):
    frame = pd.read_csv(RESIDENTS_CSV, dtype={"id": str})
    frame = pd.concat([frame] * 20, ignore_index=True)

    def no(*a, **k):
        raise AssertionError("classify() called per row")

    monkeypatch.setattr(type(engine), "classify", no)
    out = engine.classify_frame(frame, as_of="2024-06-01")
    assert out["error"].isna().all()
    assert len(out) == len(frame)


def test_column_types(engine):
    base = dict(HTN1)
    frame = pd.DataFrame({
        "id": pd.array(["a", "b", None, "d"], dtype="string"),
        "age": pd.array([58, 70, None, 40], dtype="Int64"),
        "visit_date": pd.to_datetime(["2024-06-01", "2024-06-01", None, "2024-06-02"]),
        "diagnoses": [["I10"], "I10;E11", None, ()],
        "sbp": [176.0, 148, np.nan, 120],
        "dbp": np.array([108, 88, 80, 70], dtype=np.int32),
        "htn_prev_uncontrolled": pd.array([None, False, True, None], dtype="boolean"),
        "pregnant": [False, None, None, True],
        "sex": pd.Categorical(["M", "F", None, "F"]),
    }, index=[10, 11, 12, 13])
    out = engine.classify_frame(frame, as_of=dt.date(2024, 6, 1))
    assert list(out.index) == [10, 11, 12, 13]
    assert out.loc[10, "hypertension.tier"] == "uncontrolled"
    rows = []
    for i in range(len(frame)):
        d = {}
        for c in frame.columns:
            v = frame[c].iloc[i]
            if isinstance(v, (list, tuple)):
                d[c] = list(v)
            elif v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
                continue
            else:
                d[c] = v.item() if hasattr(v, "item") else v
        rows.append(d)
    for i, d in enumerate(rows):
        r = engine.classify(d, as_of=dt.date(2024, 6, 1))
        for p in r:
            tier = out[f"{p.program}.tier"].iloc[i]
            assert (None if pd.isna(tier) else tier) == p.tier, (i, p.program)
            assert out[f"{p.program}.flags"].iloc[i] == p.flags
    assert base  # unchanged


def test_numeric_ids_and_date_strings(engine):
    frame = pd.DataFrame({"id": [1, 2], "age": [58, 58], "visit_date": ["2024-06-01", None],
                          "diagnoses": ["I10", "I10"], "sbp": [176, 176], "dbp": [108, 108]})
    out = engine.classify_frame(frame, as_of="2024-06-01")
    assert list(out["hypertension.tier"]) == ["uncontrolled", "uncontrolled"]
    assert list(out["hypertension.next_due"].dt.date) == [dt.date(2024, 6, 15)] * 2


def test_refused_rows_are_explained(engine):
    frame = pd.DataFrame([HTN1, {**HTN1, "id": "bad", "sbp": 100, "dbp": 150}, HTN1])
    out = engine.classify_frame(frame)
    assert out["error"].iloc[0] is None and out["error"].iloc[2] is None
    assert "sbp" in out["error"].iloc[1] or "dbp" in out["error"].iloc[1]
    assert pd.isna(out["hypertension.tier"].iloc[1])
    assert out["hypertension.tier"].iloc[2] == "uncontrolled"
    with pytest.raises(phs.RecordError, match="row 1"):
        engine.classify_frame(frame, errors="raise")


def test_bad_columns_raise(engine):
    with pytest.raises(phs.NotFoundError) as ei:
        engine.classify_frame(pd.DataFrame({"sbp": [1.0], "name": ["x"]}))
    assert ei.value.field == "name"
    out = engine.classify_frame(pd.DataFrame([{**HTN1, "name": "x"}]), ignore_unknown=True)
    assert out["hypertension.tier"].iloc[0] == "uncontrolled"
    with pytest.raises(phs.RecordError) as ei:
        engine.classify_frame(pd.DataFrame({"sbp": ["120", "abc"]}))
    assert ei.value.field == "sbp" and "abc" in str(ei.value)
    with pytest.raises(phs.RecordError) as ei:
        engine.classify_frame(pd.DataFrame({"pregnant": ["yes", "maybe"]}))
    assert ei.value.field == "pregnant"
    with pytest.raises(phs.RecordError) as ei:
        engine.classify_frame(pd.DataFrame({"visit_date": ["2024-06-01", "June"]}))
    assert ei.value.field == "visit_date"
    with pytest.raises(phs.RecordError):
        engine.classify_frame(pd.DataFrame({"sbp": [True]}))
    with pytest.raises(phs.RecordError) as ei:
        engine.classify_frame(pd.DataFrame({"diagnoses": [{"I10": 1}]}))
    assert ei.value.field == "diagnoses"
    with pytest.raises(phs.RecordError) as ei:
        engine.classify_frame(pd.DataFrame({"diagnoses": [["I10", 5]]}))
    assert ei.value.field == "diagnoses"
    with pytest.raises(TypeError):
        engine.classify_frame([HTN1])


def test_empty_frame(engine):
    out = engine.classify_frame(pd.DataFrame({"sbp": pd.Series([], dtype=float)}))
    assert len(out) == 0
    assert "hypertension.tier" in out.columns


def test_closed_engine(rules):
    e = phs.Engine(rules)
    e.close()
    with pytest.raises(ValueError, match="closed"):
        e.classify_frame(pd.DataFrame([HTN1]))


def _two_versions(tmp_path, rules):
    """rules + an older version of copd (effective until 2024-09-12) whose
    first tier and first flag are new, so that its indexes differ."""
    import glob
    import re
    import shutil
    for f in glob.glob(os.path.join(rules, "*.yaml")):
        shutil.copy(f, tmp_path)
    text = open(os.path.join(rules, "copd.yaml"), encoding="utf-8").read()
    text = re.sub(r"(?m)^version: .*$", 'version: "2020.1"', text)
    text = re.sub(r"(?m)^effective: .*$", "effective: {from: 2020-01-01, to: 2024-09-12}", text)
    text = text.replace("\ntiers:\n", "\ntiers:\n  - id: old_catch_all\n    level: 1\n"
                        "    when: \"true\"\n    follow_up: {interval: 12 months}\n"
                        "    referral: false\n    actions: [book_next_follow_up]\n"
                        "    cite: [copd.abe]\n\n", 1)
    text = text.replace("\nflags:\n", "\nflags:\n  - id: old_flag\n    when: \"true\"\n"
                        "    cite: [copd.abe]\n", 1)
    text = text.split("\nexamples:")[0] + "\n"
    (tmp_path / "copd_2020.yaml").write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_program_versions_decode_by_visit_date(tmp_path, rules):
    try:
        engine = phs.Engine(_two_versions(tmp_path, rules))
    except phs.SpecError as e:
        pytest.skip(f"this libphs does not load two versions of a program: {e}")
    if len(engine._versions[[p.id for p in engine.programs].index("copd")]) < 2:
        pytest.skip("the binding was built without program versions")
    rows = []
    for i, visit in enumerate(["2023-06-01", "2025-01-10", None, "2024-09-12", "2024-09-13"]):
        rows.append({"id": f"r{i}", "age": 70, "visit_date": visit, "diagnoses": "J44.1",
                     "fev1_fvc": 0.6, "fev1_pct_pred": 60, "cat_score": 12, "mmrc": 1,
                     "exacerbations_12m": 1 + i % 2, "hospitalized_exacerbations_12m": 0})
    frame = pd.DataFrame(rows)
    out = engine.classify_frame(frame)
    assert out["copd.tier"].iloc[0] == "old_catch_all"
    assert "old_flag" in out["copd.flags"].iloc[0]
    assert out["copd.tier"].iloc[1] != "old_catch_all"
    _agree(engine, frame, out)
    engine.close()


def _as_categories(frame):
    """Every column of frame (but the numbers) as a pandas Categorical."""
    return frame.apply(lambda s: s if s.dtype.kind in "if" else s.astype("category"))


def test_categorical_columns_give_the_same_frame(engine):
    # Object columns go through codes into their distinct objects; a
    # Categorical through its own codes and categories: the same outputs.
    frame = pd.read_csv(RESIDENTS_CSV, dtype={"id": str})
    frame = pd.concat([frame] * 3, ignore_index=True)
    plain = engine.classify_frame(frame, as_of="2024-06-01")
    coded = engine.classify_frame(_as_categories(frame), as_of="2024-06-01")
    pd.testing.assert_frame_equal(plain, coded)
    _agree(engine, frame.head(40), plain.head(40), as_of="2024-06-01")


def test_missing_values_in_every_column_kind(engine):
    # None, NaN, pd.NA and NaT are absent whatever the column's dtype;
    # absence keeps the outcome undecided rather than false.
    rows = [{**HTN1, "id": f"r{i}"} for i in range(4)]
    frame = pd.DataFrame(rows)
    frame["sbp"] = pd.array([176, None, 176, 176], dtype="Int64")
    frame["visit_date"] = pd.Series(["2024-06-01", "2024-06-01", None, "2024-06-01"])
    frame["htn_prev_uncontrolled"] = [False, np.nan, None, pd.NA]
    frame["diagnoses"] = pd.Categorical(["I10", "I10", "I10", None])
    frame["sex"] = pd.array(["M", pd.NA, "F", None], dtype="string")
    out = engine.classify_frame(frame)
    assert out["error"].isna().all()
    assert out["hypertension.tier"].iloc[0] == "uncontrolled"
    assert out["hypertension.tier"].iloc[1] == "insufficient_data"
    assert out["hypertension.tier"].iloc[2] == "uncontrolled"  # visit date absent
    assert pd.isna(out["hypertension.next_due"].iloc[2])
    assert pd.isna(out["hypertension.tier"].iloc[3])  # not enrolled without a diagnosis
    _agree(engine, frame.astype(object).where(frame.notna(), None), out)


def test_a_bad_value_names_its_row_through_the_distinct_values(engine):
    frame = pd.DataFrame({"pregnant": ["yes", "no", "yes", "maybe", "no"]},
                         index=[10, 11, 12, 13, 14])
    with pytest.raises(phs.RecordError, match="row 13: 'maybe'") as ei:
        engine.classify_frame(frame)
    assert ei.value.field == "pregnant"
    with pytest.raises(phs.RecordError, match="row 12: 'June'"):
        engine.classify_frame(pd.DataFrame(
            {"visit_date": pd.Categorical(["2024-06-01", "2024-06-01", "June"])},
            index=[10, 11, 12]))
    with pytest.raises(phs.RecordError, match="row 1: 'abc'"):
        engine.classify_frame(pd.DataFrame({"sbp": ["120", "abc", "120"]}))


def test_factor_objects_groups_text_by_value_in_first_order():
    a, b = "x" * 3, "".join(["y", "y"])
    a2 = "".join(["x", "x", "x"])  # equal to a, another object
    one, one2 = float("1.5"), float("1.5")  # not text: apart unless the same object
    assert a2 is not a and one2 is not one
    column = np.array([a, b, None, a2, b, one, None, one2] + [a] * 100, dtype=object)
    codes = np.empty(len(column), dtype=np.int32)
    uniq = phs.core.factor_objects(column, codes)
    assert uniq == [a, b, None, 1.5, 1.5] and uniq[3] is one and uniq[4] is one2
    assert codes[:8].tolist() == [0, 1, 2, 0, 1, 3, 2, 4] and (codes[8:] == 0).all()
    many = np.array([str(i) for i in range(5000)], dtype=object)  # the table grows
    codes = np.empty(5000, dtype=np.int32)
    assert phs.core.factor_objects(many, codes) == list(many)
    assert (codes == np.arange(5000)).all()
    with pytest.raises(ValueError):
        phs.core.factor_objects(np.array([1.0, 2.0]), np.empty(2, dtype=np.int32))


def test_columns_as_codes_into_a_table(engine):
    # The C layer takes a text column as codes into a table: each row reads
    # its category; a code past the table raises; -1 is absent.
    rs = engine._ruleset()
    fields = [engine.fields[k].id for k in ("age", "visit_date", "sbp", "dbp", "diagnoses")]
    n = 3

    def run(diagnoses, table):
        tier = np.empty(n * len(engine.programs), dtype=np.int16)
        status = np.empty(n, dtype=np.int32)
        cols = [np.full(n, 58.0), np.full(n, phs.date_to_days("2024-06-01"), dtype=np.int32),
                np.full(n, 176.0), np.full(n, 108.0), diagnoses]
        phs.core.classify_columns(rs, n, fields, cols, [None] * 4 + [table],
                                  tier, None, None, status)
        return tier.reshape(n, -1)[:, [p.id for p in engine.programs].index("hypertension")]

    htn = engine.programs[[p.id for p in engine.programs].index("hypertension")]
    got = run(np.array([1, -1, 0], dtype=np.int8), ["E11", "I10"])
    assert got[0] == htn.tiers.index("uncontrolled")
    assert got[1] == phs.core.PHS_COL_NOT_ENROLLED and got[2] == phs.core.PHS_COL_NOT_ENROLLED
    same = run(np.array(["I10", None, "E11"], dtype=object), None)
    assert got.tolist() == same.tolist()
    with pytest.raises(ValueError, match="category code 2"):
        run(np.array([0, 1, 2], dtype=np.int64), ["E11", "I10"])
    with pytest.raises(ValueError):
        run(np.array([0.0, 1.0, 0.0]), ["E11", "I10"])  # codes must be integers


def test_flag_sets_small_and_wide_masks():
    # Masks of a few low flags go through a table indexed by mask (and
    # version), wide ones through pd.factorize: the same tuples either way.
    from phs._frame import _flag_sets
    flags = tuple(f"f{b}" for b in range(20))
    old = tuple(f"o{b}" for b in range(20))
    versions = (((), old), ((), flags))
    want = {0: (), 1: ("f0",), 5: ("f0", "f2"), 1 << 19: ("f19",), (1 << 19) | 2: ("f1", "f19")}
    for masks in ([0, 1, 5, 1, 0], [1 << 19, 5, (1 << 19) | 2, 0, 1 << 19]):
        m = np.array(masks, dtype=np.uint64)
        assert list(_flag_sets(versions[1:], m, None)) == [want[x] for x in masks]
        alike = (((), flags), ((), flags))  # versions alike: no version per row
        assert list(_flag_sets(alike, m, None)) == [want[x] for x in masks]
        ver = np.array([1, 0, 1, 0, 1])
        got = list(_flag_sets(versions, m, ver))
        assert got == [want[x] if v else tuple(f.replace("f", "o") for f in want[x])
                       for x, v in zip(masks, ver)]
