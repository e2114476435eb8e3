"""phs.Engine: loading, classifying, results, lifetime."""
import datetime as dt
import gc
import json
import threading

import pytest

import phs
from phs import core

from conftest import HTN1


def test_loads_the_bundled_rules():
    with phs.Engine() as engine:
        assert engine.fingerprint.startswith("sha256:")
        ids = [p.id for p in engine.programs]
        assert "hypertension" in ids and "diabetes" in ids
        assert engine.fields["sbp"].type == "number"
        assert engine.fields["diagnoses"].type == "codes"
        assert engine.fields["visit_date"].type == "date"
        htn = engine.program("hypertension")
        assert "controlled" in htn.tiers
    assert engine.closed


def test_result_types(engine, htn1):
    r = engine.classify(htn1)
    assert isinstance(r, phs.Result)
    assert r.id == "htn1"
    assert r.fingerprint == engine.fingerprint
    htn = r["hypertension"]
    assert isinstance(htn, phs.ProgramResult)
    assert htn.outcome == "tiered"
    assert htn.enrolled is True
    assert htn.tier == "uncontrolled"
    assert htn.level == 3
    assert htn.next_due == dt.date(2024, 6, 15)
    assert isinstance(htn.next_due, dt.date)
    assert htn.referral is False
    assert htn.flags == () and htn.missing == ()
    assert any(reason.rule == "tier.uncontrolled" for reason in htn.reasons)
    assert all(isinstance(c, str) for reason in htn.reasons for c in reason.cites)
    assert r.plan[0].date == dt.date(2024, 6, 15)
    assert "hypertension" in r.plan[0].programs
    assert "hypertension" in r.enrolled
    assert len(r) == len(engine.programs)
    assert [p.program for p in r] == [p.id for p in engine.programs]
    with pytest.raises(KeyError):
        r["nope"]


def test_to_dict(engine, htn1):
    r = engine.classify(htn1)
    d = r.to_dict()
    assert d["id"] == "htn1"
    assert d["rules_fingerprint"] == engine.fingerprint
    htn = d["programs"]["hypertension"]
    assert htn["tier"] == "uncontrolled" and htn["next_due"] == "2024-06-15"
    assert htn["enrolled"] is True and htn["level"] == 3
    assert {"rule": "tier.uncontrolled", "cites": list(r["hypertension"].reasons[1].cites)} \
        in htn["reasons"]
    assert d["plan"][0] == {"date": "2024-06-15", "programs": list(r.plan[0].programs)}
    assert json.loads(r.to_json()) == d
    d["programs"].clear()  # a fresh dict each time
    assert r.to_dict()["programs"]
    assert r.ndjson is None


def test_ndjson_is_the_librarys_line(engine, htn1):
    r = engine.classify(htn1, ndjson=True)
    line = json.loads(r.ndjson)
    mine = r.to_dict()
    assert line["id"] == mine["id"] and line["rules_fingerprint"] == mine["rules_fingerprint"]
    assert line["plan"] == mine["plan"]
    for name, p in mine["programs"].items():
        theirs = line["programs"][name]
        for key, value in p.items():
            if key == "reasons":
                assert [x["rule"] for x in theirs[key]] == [x["rule"] for x in value]
                assert [[c["clause"] for c in x["cites"]] for x in theirs[key]] == \
                    [x["cites"] for x in value]
            else:
                assert theirs[key] == value, (name, key)
    assert r == engine.classify(htn1)


def test_not_enrolled(engine):
    r = engine.classify({"id": "young", "age": 30, "visit_date": "2024-06-01"})
    htn = r["hypertension"]
    assert htn.outcome == "not_enrolled"
    assert htn.tier is None and htn.next_due is None and htn.enrolled is False
    assert htn.to_dict()["tier"] is None


def test_python_value_types(engine, htn1):
    want = engine.classify(htn1).to_json()
    variants = [
        {**htn1, "visit_date": dt.date(2024, 6, 1)},
        {**htn1, "visit_date": dt.datetime(2024, 6, 1, 9, 30)},
        {**htn1, "sbp": 176.0, "dbp": 108.0},
        {**htn1, "diagnoses": "I10"},
        {**htn1, "diagnoses": ("I10",)},
        {**htn1, "heart_rate": None},
        {**htn1, "heart_rate": float("nan")},
        {**htn1, "pregnant": None},
    ]
    for v in variants:
        assert engine.classify(v).to_json() == want, v
    np = pytest.importorskip("numpy")
    assert engine.classify({**htn1, "sbp": np.float64(176), "dbp": np.int64(108)}).to_json() == want
    assert engine.classify({**htn1, "pregnant": np.bool_(False)})["hypertension"].tier == "uncontrolled"


def test_mapping_that_is_not_a_dict(engine, htn1):
    from types import MappingProxyType
    assert engine.classify(MappingProxyType(htn1))["hypertension"].tier == "uncontrolled"
    with pytest.raises(TypeError):
        engine.classify([("sbp", 1)])


def test_as_of_defaults_the_visit_date(engine, htn1):
    del htn1["visit_date"]
    assert engine.classify(htn1, as_of="2024-06-01")["hypertension"].next_due == dt.date(2024, 6, 15)
    assert engine.classify(htn1, as_of=dt.date(2024, 6, 1))["hypertension"].next_due == dt.date(2024, 6, 15)
    # a visit_date given wins over as_of
    htn1["visit_date"] = "2024-07-01"
    assert engine.classify(htn1, as_of="2024-06-01")["hypertension"].next_due == dt.date(2024, 7, 15)


def test_classify_many_is_lazy_and_ordered(engine, htn1):
    def gen():
        for i in range(5):
            yield {**htn1, "id": f"r{i}"}
    it = engine.classify_many(gen())
    assert next(it).id == "r0"
    assert [r.id for r in it] == ["r1", "r2", "r3", "r4"]


def test_read_a_file(engine):
    from conftest import RESIDENTS_CSV
    results = list(engine.read(RESIDENTS_CSV, as_of="2024-06-01"))
    assert len(results) >= 10
    assert all(isinstance(r, phs.Result) for r in results)


def test_read_yields_or_raises_bad_records(engine, tmp_path):
    f = tmp_path / "in.ndjson"
    f.write_text('{"id":"a","age":50}\n{"id":"b","sbp":"high"}\n{"id":"c","age":60}\n')
    with pytest.raises(phs.RecordError):
        list(engine.read(str(f), as_of="2024-06-01"))
    out = list(engine.read(f, as_of="2024-06-01", errors="yield"))
    assert [type(x).__name__ for x in out] == ["Result", "RecordError", "Result"]
    assert out[1].record == 2 and out[1].field == "sbp"
    with pytest.raises(phs.PhsIOError):
        engine.read(tmp_path / "missing.csv")
    with pytest.raises(ValueError):
        engine.read(f, format="xml")


def test_close_and_context_manager(rules, htn1):
    e = phs.Engine(rules)
    with e as same:
        assert same is e
        same.classify(htn1)
    assert e.closed
    with pytest.raises(ValueError, match="closed"):
        e.classify(htn1)
    e.close()  # idempotent
    assert "closed" in repr(e)


def test_children_keep_the_ruleset_alive(rules, htn1):
    rs = core.Ruleset(rules)
    rec, res = core.Record(rs), core.Result(rs)
    reader_engine = phs.Engine(rules)
    from conftest import RESIDENTS_CSV
    it = reader_engine.read(RESIDENTS_CSV, as_of="2024-06-01")
    reader_engine.close()  # the open reader keeps the rule set
    del rs
    gc.collect()
    snap = rec._parent.classify_mapping(rec, res, htn1)
    assert snap[0] == "htn1"
    assert json.loads(res.to_json())["programs"]["hypertension"]["tier"] == "uncontrolled"
    assert next(it).id
    del rec, res, it
    gc.collect()


def test_threads_share_an_engine(engine, htn1):
    want = engine.classify(htn1).to_json()
    bad = []

    def work():
        for _ in range(300):
            if engine.classify(htn1).to_json() != want:
                bad.append(1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


def test_params_and_limits(rules):
    with phs.Engine(rules) as plain, \
            phs.Engine(rules, params={"hypertension.bp_target_profile": "guideline_2025"}) as g:
        assert plain.fingerprint != g.fingerprint
    with pytest.raises(ValueError):
        phs.Engine(rules, limits={"nope": 1})
    with pytest.raises(phs.LimitError):
        phs.Engine(rules, limits={"file_bytes": 100})


def test_run_examples(engine):
    outcomes = engine.run_examples()
    assert outcomes and all(isinstance(o, phs.ExampleOutcome) for o in outcomes)
    assert {o.program for o in outcomes} <= {p.id for p in engine.programs}


def test_dates():
    assert phs.date_to_days("1970-01-02") == 1
    assert phs.date_to_days(dt.date(1969, 12, 31)) == -1
    assert phs.days_to_date(core.date_make(2024, 2, 29)) == dt.date(2024, 2, 29)
    assert phs.days_to_date(core.PHS_DATE_NONE) is None
    assert core.date_split(core.date_parse("2024-06-01")) == [2024, 6, 1]
    with pytest.raises(phs.InvalidArgumentError):
        core.date_make(2023, 2, 29)
    with pytest.raises(phs.InvalidArgumentError):
        phs.date_to_days("2024-13-01")


def test_version():
    assert phs.__version__ == core.version() == core.PHS_VERSION
    assert core.version_number() == core.PHS_VERSION_NUMBER
