"""Engine (phs.Rules) verify / diff / coverage / test / check_strict: the
reports are data, read from the C accessors (include/phs/analysis.h)."""

import datetime as dt
import os
import shutil

import pandas as pd
import pytest

import phs
from conftest import SOURCE_ROOT

BROKEN = os.path.join(SOURCE_ROOT, "tests", "data", "broken")


@pytest.fixture
def broken_dir(tmp_path):
    """A rule directory of tests/data/broken/fields.yaml and the given specs."""
    def make(*specs, name="rules"):
        d = tmp_path / name
        d.mkdir()
        shutil.copy(os.path.join(BROKEN, "fields.yaml"), d / "fields.yaml")
        for s in specs:
            shutil.copy(os.path.join(BROKEN, s), d / s)
        return str(d)
    return make


def test_rules_is_the_engine():
    assert phs.Rules is phs.Engine


def test_verify_finds_the_gap_with_a_typed_counterexample(broken_dir):
    with phs.Rules(broken_dir("gap.yaml")) as rules:
        report = rules.verify(as_of="2024-06-01")
    assert isinstance(report, phs.VerifyReport)
    assert report.analysis == "verify"
    assert not report.ok and report.errors == 1
    (gap,) = report.gaps
    assert (gap.kind, gap.severity, gap.program, gap.version, gap.rule) == \
        ("gap", "error", "bp_gap", "1", "tiers")
    assert "150 ≤ sbp < 160" in gap.message
    assert gap.example is not None
    assert isinstance(gap.example["sbp"], float)
    assert 150 <= gap.example["sbp"] < 160
    assert gap.example["visit_date"] == dt.date(2024, 6, 1)
    assert gap.example["diagnoses"] == ["I10"]
    assert gap.example_id == "verify-bp_gap-gap-1"
    assert gap.example_json is not None and '"sbp":' in gap.example_json
    assert report.dead_tiers == () and report.dead_flags == ()
    # totals and the one section agree
    assert report.totals["unclassified"] > 0
    assert report.totals["cells"] == report.totals["checked"]
    assert report.totals["sampled"] == 0
    (section,) = report.sections
    assert (section.program, section.version, section.new_version) == ("bp_gap", "1", None)
    assert section.totals["unclassified"] == report.totals["unclassified"]
    assert section.transitions == () and section.shifts == ()


def test_verify_report_data_beyond_the_message(broken_dir):
    with phs.Rules(broken_dir("gap.yaml")) as rules:
        report = rules.verify(as_of="2024-06-01")
        fingerprint = rules.fingerprint
    # what the report is about, the options filled in
    assert report.fingerprint == fingerprint
    assert (report.new_fingerprint, report.population) == (None, None)
    assert (report.max_cells, report.seed) == (2_000_000, 1)
    # the gap's region and cells, as data
    (gap,) = report.gaps
    assert gap.detail == "age_years ≥ 35, diagnoses = [I10], 150 ≤ sbp < 160"
    assert (gap.before, gap.after) == (None, "unclassified")
    assert gap.cells == report.totals["unclassified"] == 4
    insufficient = report.of_kind("insufficient_data")
    assert [f.detail for f in insufficient] == [
        "age_years unknown, diagnoses = [I10]", "age_years ≥ 35, diagnoses = [I10], sbp absent"]
    assert [f.cells for f in insufficient] == [8, 2]
    assert sum(f.cells for f in insufficient) == report.totals["insufficient_data"]
    assert (report.totals["gap_regions"], report.totals["insufficient_regions"]) == (1, 2)
    assert report.totals["eligibility_undecided"] == 8
    # the version checked
    (section,) = report.sections
    assert section.status == "draft"
    assert section.fingerprint is not None and section.fingerprint.startswith("sha256:")
    assert section.fingerprint != report.fingerprint and section.new_fingerprint is None
    assert (section.effective_from, section.effective_to) == (dt.date(2017, 1, 1), None)
    assert section.date == dt.date(2024, 6, 1)
    # its input space: 4 x 2 x 8 cells, age a derived value
    assert [(d.name, d.derived, len(d.values)) for d in section.dimensions] == [
        ("age_years", True, 4), ("diagnoses", False, 2), ("sbp", False, 8)]
    assert section.dimensions[2].values[4] == "150 < sbp < 160"
    assert section.dimensions[2].values[-1] == "sbp absent"
    # cells per tier: with the undecided ones they make up every cell
    tiers = section.tables["tiers"]
    assert [(t.name, t.label, t.values) for t in tiers] == [
        ("severe", None, (4, 0, 0, 0)), ("raised", None, (4, 0, 0, 0)),
        ("normal", None, (2, 0, 0, 0))]
    assert sum(t.values[0] for t in tiers) + sum(
        report.totals[k] for k in ("not_enrolled", "unclassified", "insufficient_data")) \
        == report.totals["cells"] == 4 * 2 * 8
    assert section.tables["flags"] == section.tables["thresholds"] == ()


def test_verify_says_why_a_tier_or_flag_is_dead(broken_dir):
    with phs.Rules(broken_dir("overlap.yaml", "never.yaml")) as rules:
        report = rules.verify(as_of="2024-06-01")
    (tier,) = report.dead_tiers
    # the tier before it takes the resident that would reach it
    assert (tier.rule, tier.detail, tier.before, tier.after, tier.cells) == \
        ("tier.stage3", None, None, "stage2", 0)
    why = {f.rule: f.detail for f in report.dead_flags}
    assert why == {
        "flag.impossible_band":
            "`sbp >= 180` and `sbp < 140` never hold together (this resident satisfies the first)",
        "flag.wrong_population":
            "its condition holds only for residents the restriction 'enrolled: false' excludes "
            "(e.g. this resident)"}


def test_verify_needs_a_date(broken_dir):
    with phs.Rules(broken_dir("gap.yaml")) as rules:
        with pytest.raises(TypeError):
            rules.verify()  # type: ignore[call-arg]
        with pytest.raises(phs.Error):
            rules.verify(as_of="not a date")


def test_verify_samples_beyond_the_cap(broken_dir):
    with phs.Rules(broken_dir("gap.yaml")) as rules:
        report = rules.verify(as_of=dt.date(2024, 6, 1), max_cells=3, seed=7)
    assert report.totals["sampled"] >= 1
    assert report.totals["checked"] < report.totals["cells"]
    assert report.of_kind("sampled")
    assert (report.max_cells, report.seed) == (3, 7)


def test_diff_over_a_population(broken_dir, tmp_path):
    pop = tmp_path / "pop.ndjson"
    pop.write_text(
        '{"id":"p1","age":60,"visit_date":"2024-06-01","diagnoses":["I10"],"sbp":135}\n'
        '{"id":"p2","age":60,"visit_date":"2024-06-01","diagnoses":["I10"],"sbp":120}\n'
        '{"id":"p3","age":60,"visit_date":"2024-06-01","diagnoses":["I10"],"sbp":150}\n'
        '{"id":"p4","age":30,"visit_date":"2024-06-01"}\n', encoding="utf-8")
    with phs.Rules(broken_dir("band_v1.yaml", name="v1")) as old, \
            phs.Rules(broken_dir("band_v2.yaml", name="v2")) as new:
        report = old.diff(new, population=pop)
    assert isinstance(report, phs.DiffReport)
    assert report.population == str(pop)
    assert report.fingerprint == old.fingerprint and report.new_fingerprint == new.fingerprint
    assert report.fingerprint != report.new_fingerprint
    assert report.changed == 1
    assert report.totals["residents"] == 4
    assert report.totals["due_earlier"] == 1 and report.totals["due_same"] == 2
    (section,) = report.sections
    assert (section.version, section.new_version) == ("1", "2")
    assert section.fingerprint != section.new_fingerprint
    assert (section.effective_from, section.effective_to) == (
        dt.date(2017, 1, 1), dt.date(2024, 12, 31))
    assert section.date is None and section.dimensions == ()
    assert section.shifts == (phs.Shift(days=-78, residents=1),)
    moved = [t for t in section.transitions if t.old != t.new and t.count]
    # p1 moves because both tiers' conditions changed value; both cite c1
    assert moved == [phs.Transition(
        "controlled", "uncontrolled", 1, ("p1",),
        (phs.Cause("tier.uncontrolled", "false", "true", 1),
         phs.Cause("tier.controlled", "true", "false", 1)), ("c1",))]
    assert all(t.causes == () and t.clauses == () for t in section.transitions if t.old == t.new)
    frame = report.transitions()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["program", "old_version", "new_version", "old", "new",
                                   "count", "example_ids", "causes", "clauses"]
    assert frame["count"].sum() == 4
    row = frame[(frame.old == "controlled") & (frame.new == "uncontrolled")]
    assert row["count"].tolist() == [1] and row["example_ids"].tolist() == [("p1",)]
    assert [c.rule for c in row["causes"].tolist()[0]] == ["tier.uncontrolled", "tier.controlled"]
    assert row["clauses"].tolist() == [("c1",)]
    assert frame.set_index(["old", "new"])["count"].to_dict() == {
        ("not_enrolled", "not_enrolled"): 1, ("uncontrolled", "uncontrolled"): 1,
        ("controlled", "uncontrolled"): 1, ("controlled", "controlled"): 1}
    changed = {f.rule: f.message for f in report.of_kind("rule_changed")}
    assert changed["tier.uncontrolled"] == "condition changed"


def test_diff_without_population_needs_as_of(broken_dir):
    with phs.Rules(broken_dir("band_v1.yaml", name="v1")) as old, \
            phs.Rules(broken_dir("band_v2.yaml", name="v2")) as new:
        with pytest.raises(phs.InvalidArgumentError, match="as_of"):
            old.diff(new)
        report = old.diff(new, as_of="2024-06-01")
        same = old.diff(old, as_of="2024-06-01")
    (region,) = [f for f in report.of_kind("transition") if f.example is not None]
    assert "controlled -> uncontrolled" in region.message
    assert region.example is not None and 130 <= region.example["sbp"] < 140
    assert region.detail == "age_years ≥ 35, diagnoses = [I10], 130 ≤ sbp < 140"
    assert (region.before, region.after, region.cells) == ("controlled", "uncontrolled", 4)
    (section,) = report.sections
    assert report.population is None
    assert [d.name for d in section.dimensions] == ["age_years", "diagnoses", "sbp"]
    assert "130 < sbp < 140" in section.dimensions[2].values  # both versions' bounds
    assert "150 < sbp < 160" not in section.dimensions[2].values
    (cell,) = [t for t in section.transitions if t.old != t.new and t.count]
    assert cell.count == region.cells
    assert [(c.rule, c.old, c.new, c.count) for c in cell.causes] == [
        ("tier.uncontrolled", "false", "true", 4), ("tier.controlled", "true", "false", 4)]
    assert cell.clauses == ("c1",)
    assert report.changed > 0 and same.changed == 0


def test_test_report_of_the_shipped_rules(engine):
    report = engine.test()
    assert isinstance(report, phs.TestReport)
    assert report.passed + report.failed == report.totals["examples"] > 0
    assert report.failed == len(report.failures) == 0
    first = report.findings[0]
    assert first.kind == "example_passed" and first.example_id
    assert first.example is not None and first.version is not None
    # run_examples is the same run
    assert [o.example for o in engine.run_examples()] == [f.example_id for f in report.findings]
    hyp = engine.test(program="hypertension")
    assert {f.program for f in hyp.findings} == {"hypertension"}
    with pytest.raises(phs.NotFoundError):
        engine.test(program="no_such_program")


def test_coverage_and_strict(broken_dir):
    with phs.Rules(broken_dir("uncovered.yaml")) as rules:
        cov = rules.coverage()
        strict = rules.check_strict()
    assert isinstance(cov, phs.CoverageReport)
    assert {f.rule for f in cov.of_kind("uncovered_tier")} == {"tier.high"}
    assert {f.rule for f in cov.of_kind("uncovered_flag")} == {"flag.very_high"}
    assert cov.errors == 2 and cov.totals["examples"] == 1
    (section,) = cov.sections
    tables = {name: [(t.name, t.label, t.values) for t in rows]
              for name, rows in section.tables.items()}
    assert tables["tiers"] == [("high", None, (0, 0, 0, 0)), ("low", None, (1, 0, 0, 0))]
    assert tables["flags"] == [("very_high", None, (0, 0, 0, 0))]
    # per rule: examples where its condition is true, false, unknown
    assert tables["conditions"] == [
        ("eligibility", None, (1, 0, 0, 0)), ("tier.high", None, (0, 1, 0, 0)),
        ("tier.low", None, (1, 0, 0, 0)), ("flag.very_high", None, (0, 1, 0, 0))]
    # per threshold: examples below, at, above it and without a value
    assert tables["thresholds"] == [
        ("age_years", "35", (0, 0, 1, 0)), ("sbp", "140", (1, 0, 0, 0)),
        ("sbp", "180", (1, 0, 0, 0))]
    assert section.dimensions == () and (cov.max_cells, cov.seed) == (0, 0)
    assert isinstance(strict, phs.StrictReport)
    assert any("no_such_clause" in f.message for f in strict.of_kind("citation"))
    # the clause a citation names, as data
    assert [(f.rule, f.detail) for f in strict.of_kind("citation")] == [("high", "no_such_clause")]
