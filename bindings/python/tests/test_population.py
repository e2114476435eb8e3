"""phs.indicators, phs.report and Engine.population on the hand-computed
population of tests/test_population.c: the same rules, the same 29 visits of
12 residents, the numbers worked out there (not by the engine)."""
import io
import json
import math
import os
import subprocess

import pytest

pd = pytest.importorskip("pandas")

import phs  # noqa: E402

DICT = """dictionary: libphs-fields
version: "p1"
fields:
  - {name: id, type: string, label: 标识}
  - {name: visit_date, type: date, label: 随访日期}
  - {name: age, type: number, range: [0, 150], label: 年龄}
  - {name: sbp, type: number, range: [40, 300], label: 收缩压}
  - {name: diagnoses, type: codes, label: 诊断}
  - {name: mode, type: enum, values: [clinic, home, phone], label: 方式}
  - {name: open, type: bool, label: 开放}
  - {name: last_check, type: date, label: 体检}
"""

BP = """program: bp
version: "1.0"
title: {zh: 测试项目, en: test program}
status: draft
effective: {from: 2017-02-28, to: null}
sources:
  - {id: s1, title: 规范, kind: NAT, issuer: x, year: 2017}
clauses:
  - {id: c1, source: s1, text: t1, tag: NAT, confidence: C2}
eligibility: {when: "has_code(diagnoses, ['I10'])", cite: [c1]}
derived:
  - {name: high, expr: "sbp >= 140", cite: [c1]}
tiers:
  - {id: urgent, level: 3, when: "sbp >= 180", follow_up: {interval: 14 days}, cite: [c1]}
  - {id: raised, level: 2, when: "high", follow_up: {interval: 14 days}, cite: [c1]}
  - {id: ok, level: 1, when: "true", follow_up: {interval: 3 months}, cite: [c1]}
yearly:
  - {id: f2f, min: 2, what: face-to-face, cite: [c1]}
  - {id: extra, min: 1, what: extra, tiers: [urgent], cite: [c1]}
"""

IND = """indicator_set: test
version: "1"
sources:
  - {id: s1, title: 规范, kind: NAT, issuer: x, year: 2024}
clauses:
  - {id: k1, source: s1, text: t, tag: NAT, confidence: C2}
indicators:
  - id: std
    program: bp
    title: {zh: 规范管理率, en: standard}
    denominator: {residents: enrolled}
    numerator:
      visits: {where: "mode in ['clinic', 'home']", min: [f2f]}
      due_dates_met: true
    target: 0.6
    cite: [k1]
  - id: ctl
    program: bp
    title: {zh: 控制率, en: control}
    denominator: {residents: enrolled}
    numerator: {latest: "not high"}
    cite: [k1]
  - id: unstable
    program: bp
    title: {zh: 不稳定, en: unstable}
    denominator: {residents: enrolled, reached: extra}
    numerator:
      visits: {where: "mode in ['clinic', 'home']", min: [f2f, extra]}
    cite: [k1]
  - id: old
    program: bp
    title: {zh: 老年人, en: old}
    denominator: {residents: all, where: "age >= 65"}
    numerator: {date_in_period: last_check}
    cite: [k1]
  - id: open
    title: {zh: 开放, en: open}
    denominator: {residents: all}
    numerator: {latest: "open"}
    target: 0.4
    cite: [k1]
"""

# The worked-out expectations are in tests/test_population.c, next to the
# same rows.
VISITS = """id,visit_date,age,sbp,diagnoses,mode,open,last_check
n,2024-10-01,45,130,I10,clinic,,
a,2024-04-12,64,130,I10,clinic,,
a,2024-01-10,64,130,I10,clinic,,
a,2024-04-01,64,150,I10,home,,
a,2024-07-01,64,130,I10,phone,true,
b,2023-12-01,70,130,I10,clinic,,
b,2024-02-20,70,185,I10,clinic,,2024-01-01
b,2024-03-01,70,150,I10,clinic,,
b,2024-03-14,70,135,I10,clinic,,
b,2024-06-10,70,120,I10,home,,
b,2024-09-01,70,125,I10,clinic,,
b,2024-11-25,70,130,I10,clinic,,
c,2024-05-01,50,182,I10,clinic,,
c,2024-05-20,50,,I10,clinic,,
d,2024-03-01,65,120,,clinic,true,2023-12-31
e,2023-05-01,40,120,,clinic,true,
f,2025-02-01,80,130,I10,clinic,true,2025-02-01
g,2024-02-01,55,130,I10,clinic,,
g,2024-04-20,55,130,I10,,,
g,2024-07-15,55,130,I10,phone,,
g,2024-10-10,55,130,I10,phone,,
h,2024-06-01,45,130,I10,clinic,true,
h,2024-08-30,45,130,I10,phone,,
h,2024-11-29,45,130,I10,phone,false,
i,2024-09-01,45,130,I10,clinic,,
i,2024-12-01,45,139,I10,clinic,,
k,2024-09-01,45,130,I10,clinic,,
k,2024-12-02,45,140,I10,clinic,,
m,2024-09-30,45,130,I10,clinic,,
"""

# indicator: (denominator, numerator, undecided), as resident ids.
WANT_2024 = {
    "std": ("a b c g h i k m n", "b i", "g"),
    "ctl": ("a b c g h i k m n", "a b g h i m n", "c"),
    "unstable": ("b c", "b", ""),
    "old": ("b d", "b", ""),
    "open": ("a b c d e g h i k m n", "a d e", ""),
}


@pytest.fixture(scope="module")
def pop_rules(tmp_path_factory):
    d = tmp_path_factory.mktemp("pop_rules")
    for name, text in (("fields.yaml", DICT), ("bp.yaml", BP), ("indicators.yaml", IND)):
        (d / name).write_text(text, encoding="utf-8")
    return str(d)


@pytest.fixture(scope="module")
def visits():
    return pd.read_csv(io.StringIO(VISITS), dtype={"id": str})


def test_every_indicator_hand_computed(pop_rules, visits):
    frame = phs.indicators(visits, period=2024, rules=pop_rules).set_index("indicator")
    assert list(frame.index) == ["std", "ctl", "unstable", "old", "open"]
    for name, (den, num, und) in WANT_2024.items():
        row = frame.loc[name]
        assert row["denominator"] == len(den.split()), name
        assert row["numerator"] == len(num.split()), name
        assert row["undecided"] == len(und.split()), name
        assert row["excluded"] == 0, name
        assert row["rate"] == pytest.approx(len(num.split()) / len(den.split())), name
    assert frame.loc["std", "numerator"] == 2 and frame.loc["std", "denominator"] == 9
    assert frame.loc["std", "target"] == pytest.approx(0.6)
    assert math.isnan(frame.loc["ctl", "target"])
    assert frame.loc["open", "target"] == pytest.approx(0.4)
    assert frame.loc["open", "program"] is None
    assert frame.loc["std", "program"] == "bp"
    assert frame.loc["std", "title_zh"] == "规范管理率"
    assert frame.loc["std", "title_en"] == "standard"
    assert frame.loc["std", "cites"] == ("k1",)


def test_residents_of_each_part(pop_rules, visits):
    with phs.Engine(pop_rules) as engine:
        pop = engine.population().add(visits)
        assert (pop.visits, pop.residents) == (29, 12)
        ind = pop.indicators("2024")
        for name, (den, num, und) in WANT_2024.items():
            assert ind.residents(name, "denominator") == den.split(), name
            assert ind.residents(name) == num.split(), name
            assert ind.residents(name, "undecided") == und.split(), name
            assert ind.residents(name, "excluded") == [], name
        with pytest.raises(KeyError):
            ind.residents("nope")


def test_overdue_at_the_period_end(pop_rules, visits):
    import datetime as dt

    with phs.Engine(pop_rules) as engine:
        overdue = engine.population().add(visits).indicators(2024).overdue()
    # a: due 10-01, 91 days; k: 12-16, 15 days; m: 12-30, 1 day; n is due
    # on the period's last day: not overdue.
    assert list(overdue["id"]) == ["a", "k", "m"]
    assert list(overdue["days"]) == [91, 15, 1]
    assert list(overdue["tier"]) == ["ok", "raised", "ok"]
    assert list(overdue["program"]) == ["bp"] * 3
    assert list(overdue["due"]) == [dt.date(2024, 10, 1), dt.date(2024, 12, 16),
                                    dt.date(2024, 12, 30)]


def test_another_period(pop_rules, visits):
    with phs.Engine(pop_rules) as engine:
        ind = engine.population().add(visits).indicators("2024-01-01:2024-06-30")
        assert ind.residents("std") == ["a", "b"]
        assert ind.residents("std", "denominator") == ["a", "b", "c", "g", "h"]
        assert "a" not in list(ind.overdue()["id"])
        import datetime as dt
        assert ind.period == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
        same = engine.population().add(visits).indicators(
            (dt.date(2024, 1, 1), "2024-06-30"))
        assert same.to_json() == ind.to_json()


def test_mappings_give_the_same_numbers(pop_rules, visits):
    rows = [{k: v for k, v in r.items() if not (isinstance(v, float) and math.isnan(v))}
            for r in visits.to_dict("records")]
    want = phs.indicators(visits, period=2024, rules=pop_rules)
    got = phs.indicators(rows, period=2024, rules=pop_rules)
    pd.testing.assert_frame_equal(got, want)


def test_report_is_phs_report(pop_rules, visits, tmp_path, phs_cli):
    """phs.report writes what `phs report --format csv|json` prints."""
    src = tmp_path / "visits.csv"
    src.write_text(VISITS, encoding="utf-8")
    for fmt in ("csv", "json"):
        out = tmp_path / f"report.{fmt}"
        text = phs.report(visits, period=2024, rules=pop_rules, path=out, format=fmt)
        assert out.read_text(encoding="utf-8") == text
        cli = subprocess.run([phs_cli, "report", "--rules", pop_rules, "--period", "2024",
                              "--format", fmt, str(src)], capture_output=True, text=True)
        assert cli.returncode == 0, cli.stderr
        assert text == cli.stdout
    doc = json.loads(text)
    assert doc  # the JSON parses


def test_refused_visits(pop_rules, visits):
    bad = pd.concat([visits, pd.DataFrame([{"id": None, "visit_date": "2024-03-01"},
                                           {"id": "z", "visit_date": None}])],
                    ignore_index=True)
    with pytest.raises(phs.RecordError):
        phs.indicators(bad, period=2024, rules=pop_rules)
    with phs.Engine(pop_rules) as engine:
        pop = engine.population().add(bad, errors="skip")
        assert pop.refused == 2 and pop.visits == 29
        assert pop.indicators(2024).to_json() == \
            engine.population().add(visits).indicators(2024).to_json()


@pytest.mark.parametrize("period", ["2024-07-01:2024-01-01", "last year", 2024.5])
def test_bad_periods(pop_rules, period):
    with phs.Engine(pop_rules) as engine:
        with pytest.raises((ValueError, phs.Error)):
            engine.population().indicators(period)


def test_bundled_rules_declare_the_issue_indicators(engine):
    """The shipped indicator files: 规范管理率, control, elderly, EHR open."""
    frame = engine.population().indicators(2024).frame()
    names = set(frame["indicator"])
    assert {"htn_standard_management", "htn_bp_control", "dm_glucose_control",
            "elderly_health_management", "ehr_open_ratio"} <= names
    assert (frame["denominator"] == 0).all()  # no visits: empty denominators
    assert frame["rate"].isna().all()
