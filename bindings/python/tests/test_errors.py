"""Bad input raises clear exceptions, and failing calls leak nothing."""
import gc
import os
import pickle
import tracemalloc

import pytest

import phs
from phs import core


def test_unknown_field(engine, htn1):
    with pytest.raises(phs.NotFoundError) as ei:
        engine.classify({**htn1, "sbpx": 1})
    e = ei.value
    assert e.field == "sbpx" and "sbpx" in str(e)
    assert e.code == core.PHS_ENOTFOUND and e.status == "PHS_ENOTFOUND"
    assert isinstance(e, LookupError) and isinstance(e, phs.Error)


@pytest.mark.parametrize("field,value", [
    ("sbp", [1]), ("sbp", "abc"), ("sbp", True), ("sbp", {"a": 1}),
    ("pregnant", 3), ("pregnant", "perhaps"), ("visit_date", 20240601),
    ("visit_date", "2023-02-29"), ("diagnoses", 5), ("diagnoses", [1, 2]),
    ("sex", "X"), ("sex", 1), ("id", 1.5),
])
def test_wrong_type_or_value(engine, htn1, field, value):
    with pytest.raises(phs.RecordError) as ei:
        engine.classify({**htn1, field: value})
    e = ei.value
    assert e.field == field, repr(e)
    assert e.code == core.PHS_ERECORD
    assert isinstance(e, ValueError)
    assert field in str(e)


def test_record_check(engine, htn1):
    with pytest.raises(phs.RecordError) as ei:
        engine.classify({**htn1, "sbp": 100, "dbp": 150})
    assert ei.value.field in ("sbp", "dbp")
    # the engine stays usable
    assert engine.classify(htn1)["hypertension"].tier == "uncontrolled"


def test_field_names_must_be_str(engine):
    with pytest.raises(phs.RecordError):
        engine.classify({1: 2})


def test_broken_spec_has_a_position(broken_rules):
    path = broken_rules('program: broken\nversion: "1"\ntitle: {en: Broken}\nstatus: draft\n'
                        'eligibility: {when: "age >= "}\n')
    with pytest.raises(phs.SpecError) as ei:
        phs.Engine(path)
    e = ei.value
    assert e.file and e.file.endswith("broken.yaml")
    assert e.line > 0 and e.column > 0
    assert str(e).startswith(f"{e.file}:{e.line}:{e.column}:")
    assert isinstance(e, ValueError)
    assert "SpecError" in repr(e) and "line=" in repr(e)
    again = pickle.loads(pickle.dumps(e))
    assert (type(again), again.file, again.line, again.column) == (type(e), e.file, e.line, e.column)


def test_broken_yaml(broken_rules):
    with pytest.raises(phs.SpecError) as ei:
        phs.Engine(broken_rules("program: broken\nversion: [\n"))
    assert ei.value.line > 0


def test_missing_directory():
    with pytest.raises(phs.PhsIOError) as ei:
        phs.Engine("/nonexistent/rules")
    assert isinstance(ei.value, OSError)
    assert ei.value.code == core.PHS_EIO


def test_unknown_parameter(rules):
    with pytest.raises((phs.NotFoundError, phs.SpecError)):
        phs.Engine(rules, params={"hypertension.no_such_param": "1"})


def test_unknown_program(engine):
    with pytest.raises(phs.NotFoundError):
        engine.program("nope")


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


FAILING = [
    {"id": "a", "no_such_field": 1},
    {"id": "b", "sbp": [1]},
    {"id": "c", "sex": "X"},
    {"id": "d", "sbp": 100, "dbp": 150},
    {"id": "e", "visit_date": "2023-02-29"},
]


def _fail(engine, n):
    for i in range(n):
        try:
            engine.classify(FAILING[i % len(FAILING)])
        except phs.Error:
            pass
        else:
            raise AssertionError("did not fail")


@pytest.mark.skipif(bool(os.environ.get("PHS_SANITIZED")), reason="ASan's allocator")
def test_100000_failing_calls_keep_memory_flat(engine):
    _fail(engine, 20_000)  # warm up
    gc.collect()
    tracemalloc.start()
    before_rss = _rss()
    snap = tracemalloc.take_snapshot()
    _fail(engine, 100_000)
    gc.collect()
    grown_py = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(snap, "filename"))
    tracemalloc.stop()
    grown_rss = _rss() - before_rss
    print(f"100000 failing calls: Python heap {grown_py:+d} B, resident set {grown_rss // 1024:+d} KiB")
    assert grown_py < 64 * 1024, grown_py
    assert grown_rss < 4 * 1024 * 1024, grown_rss


@pytest.mark.skipif(bool(os.environ.get("PHS_SANITIZED")), reason="ASan's allocator")
def test_failing_loads_keep_memory_flat(broken_rules):
    path = broken_rules("program: broken\nversion: [\n")
    for _ in range(200):
        with pytest.raises(phs.SpecError):
            phs.Engine(path)
    gc.collect()
    before = _rss()
    for _ in range(3000):
        try:
            phs.Engine(path)
        except phs.SpecError:
            pass
    gc.collect()
    grown = _rss() - before
    print(f"3000 failing loads: resident set {grown // 1024:+d} KiB")
    assert grown < 2 * 1024 * 1024, grown
