package org.libphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Engine.verify / diff / coverage / test / checkStrict: reports as data (records). */
class ReportTest {
  private static final LocalDate JUNE = LocalDate.of(2024, 6, 1);

  /** A rule directory of tests/data/broken/fields.yaml and the given specs. */
  private static Path broken(String... specs) throws IOException {
    Path src = Paths.get(System.getenv("PHS_SOURCE_ROOT"), "tests", "data", "broken");
    Path dir = Files.createTempDirectory("phs-report");
    Files.copy(src.resolve("fields.yaml"), dir.resolve("fields.yaml"));
    for (String s : specs) {
      Files.copy(src.resolve(s), dir.resolve(s));
    }
    return dir;
  }

  @Test
  void verifyFindsTheGapWithATypedCounterexample() throws IOException {
    Path dir = broken("gap.yaml");
    try (Engine rules = Engine.load(dir)) {
      Report r = rules.verify(JUNE);
      assertEquals("verify", r.analysis());
      assertFalse(r.ok());
      assertEquals(1, r.errors());
      List<Finding> gaps = r.ofKind("gap");
      assertEquals(1, gaps.size());
      Finding gap = gaps.get(0);
      assertEquals("error", gap.severity());
      assertEquals("bp_gap", gap.program());
      assertEquals("1", gap.version());
      assertEquals("tiers", gap.rule());
      assertTrue(gap.message().contains("150 ≤ sbp < 160"), gap.message());
      double sbp = (Double) gap.example().get("sbp");
      assertTrue(sbp >= 150 && sbp < 160, gap.exampleJson());
      assertEquals(JUNE, gap.example().get("visit_date"));
      assertEquals(List.of("I10"), gap.example().get("diagnoses"));
      assertEquals("verify-bp_gap-gap-1", gap.exampleId());
      assertTrue(r.total("unclassified") > 0);
      assertEquals(r.total("cells"), r.total("checked"));
      assertEquals(1, r.sections().size());
      assertEquals(r.total("unclassified"), r.sections().get(0).totals().get("unclassified"));
      assertNull(r.sections().get(0).newVersion());
      assertThrows(IllegalArgumentException.class, () -> rules.verify(null));
    } finally {
      TestSupport.delete(dir);
    }
  }

  @Test
  void verifyReportDataBeyondTheMessage() throws IOException {
    Path dir = broken("gap.yaml");
    try (Engine rules = Engine.load(dir)) {
      Report r = rules.verify(JUNE);
      assertEquals(rules.fingerprint(), r.fingerprint());
      assertNull(r.newFingerprint());
      assertNull(r.population());
      assertEquals(2_000_000, r.maxCells());
      assertEquals(1, r.seed());
      Finding gap = r.ofKind("gap").get(0);
      assertEquals("age_years ≥ 35, diagnoses = [I10], 150 ≤ sbp < 160", gap.detail());
      assertNull(gap.before());
      assertEquals("unclassified", gap.after());
      assertEquals(4, gap.cells());
      assertEquals(r.total("unclassified"), gap.cells());
      long insufficient = r.ofKind("insufficient_data").stream().mapToLong(Finding::cells).sum();
      assertEquals(r.total("insufficient_data"), insufficient);
      assertEquals(1, r.total("gap_regions"));
      Section s = r.sections().get(0);
      assertEquals("draft", s.status());
      assertTrue(s.fingerprint().startsWith("sha256:"), s.fingerprint());
      assertNull(s.newFingerprint());
      assertEquals(LocalDate.of(2017, 1, 1), s.effectiveFrom());
      assertNull(s.effectiveTo());
      assertEquals(JUNE, s.date());
      assertEquals(List.of("age_years", "diagnoses", "sbp"),
          s.dimensions().stream().map(Dimension::name).toList());
      assertTrue(s.dimensions().get(0).derived());
      assertFalse(s.dimensions().get(2).derived());
      assertEquals("150 < sbp < 160", s.dimensions().get(2).values().get(4));
      assertEquals(List.of(new TableRow("severe", null, List.of(4L, 0L, 0L, 0L)),
          new TableRow("raised", null, List.of(4L, 0L, 0L, 0L)),
          new TableRow("normal", null, List.of(2L, 0L, 0L, 0L))), s.tables().get("tiers"));
      long decided = s.tables().get("tiers").stream().mapToLong(t -> t.values().get(0)).sum();
      assertEquals(r.total("cells"), decided + r.total("not_enrolled") + r.total("unclassified")
          + r.total("insufficient_data"));
      assertEquals(List.of(), s.tables().get("thresholds"));
      Report sampled = rules.verify(JUNE, null, 3, 7);
      assertEquals(3, sampled.maxCells());
      assertEquals(7, sampled.seed());
    } finally {
      TestSupport.delete(dir);
    }
  }

  @Test
  void verifySaysWhyATierOrFlagIsDead() throws IOException {
    Path dir = broken("overlap.yaml", "never.yaml");
    try (Engine rules = Engine.load(dir)) {
      Report r = rules.verify(JUNE);
      List<Finding> dead = r.ofKind("dead_tier");
      assertEquals(1, dead.size());
      assertEquals("tier.stage3", dead.get(0).rule());
      assertNull(dead.get(0).before());
      assertEquals("stage2", dead.get(0).after()); // the tier that takes its resident
      Finding band = r.ofKind("dead_flag").stream()
          .filter(f -> f.rule().equals("flag.impossible_band")).findFirst().orElseThrow();
      assertEquals("`sbp >= 180` and `sbp < 140` never hold together (this resident satisfies"
          + " the first)", band.detail());
    } finally {
      TestSupport.delete(dir);
    }
  }

  @Test
  void diffOverAPopulation() throws IOException {
    Path v1 = broken("band_v1.yaml");
    Path v2 = broken("band_v2.yaml");
    Path pop = Files.createTempFile("phs-pop", ".ndjson");
    Files.writeString(pop,
        "{\"id\":\"p1\",\"age\":60,\"visit_date\":\"2024-06-01\",\"diagnoses\":[\"I10\"],\"sbp\":135}\n"
        + "{\"id\":\"p2\",\"age\":60,\"visit_date\":\"2024-06-01\",\"diagnoses\":[\"I10\"],\"sbp\":120}\n"
        + "{\"id\":\"p3\",\"age\":60,\"visit_date\":\"2024-06-01\",\"diagnoses\":[\"I10\"],\"sbp\":150}\n"
        + "{\"id\":\"p4\",\"age\":30,\"visit_date\":\"2024-06-01\"}\n");
    try (Engine old = Engine.load(v1); Engine neu = Engine.load(v2)) {
      Report r = old.diff(neu, pop, null);
      assertEquals("diff", r.analysis());
      assertEquals(1, r.total("changed"));
      assertEquals(pop.toString(), r.population());
      assertEquals(old.fingerprint(), r.fingerprint());
      assertEquals(neu.fingerprint(), r.newFingerprint());
      assertEquals(4, r.total("residents"));
      assertEquals(1, r.total("due_earlier"));
      Section s = r.sections().get(0);
      assertEquals("1", s.version());
      assertEquals("2", s.newVersion());
      assertEquals(LocalDate.of(2024, 12, 31), s.effectiveTo());
      assertTrue(s.dimensions().isEmpty());
      assertEquals(List.of(new Shift(-78, 1)), s.shifts());
      assertEquals(9, s.transitions().size()); // 3 x 3, row-major
      assertEquals(List.of(
          new Transition("not_enrolled", "not_enrolled", 1, List.of()),
          new Transition("uncontrolled", "uncontrolled", 1, List.of()),
          new Transition("controlled", "uncontrolled", 1, List.of("p1"),
              List.of(new Cause("tier.uncontrolled", "false", "true", 1),
                  new Cause("tier.controlled", "true", "false", 1)), List.of("c1")),
          new Transition("controlled", "controlled", 1, List.of())), r.transitions());
      assertTrue(r.ofKind("rule_changed").stream()
          .anyMatch(f -> f.rule().equals("tier.uncontrolled")
              && f.message().equals("condition changed")));
      // without a population the cells need a visit date
      PhsException e = assertThrows(PhsException.class, () -> old.diff(neu, null, null));
      assertTrue(e.getMessage().contains("as_of"), e.getMessage());
      assertEquals(0, old.diff(old, null, JUNE).total("changed"));
      Report cells = old.diff(neu, null, JUNE);
      Finding region = cells.ofKind("transition").stream()
          .filter(f -> f.detail() != null).findFirst().orElseThrow();
      assertEquals("age_years ≥ 35, diagnoses = [I10], 130 ≤ sbp < 140", region.detail());
      assertEquals("controlled", region.before());
      assertEquals("uncontrolled", region.after());
      assertEquals(4, region.cells());
      Transition moved = cells.transitions().stream()
          .filter(t -> !t.oldOutcome().equals(t.newOutcome())).findFirst().orElseThrow();
      assertEquals(List.of(new Cause("tier.uncontrolled", "false", "true", 4),
          new Cause("tier.controlled", "true", "false", 4)), moved.causes());
      assertEquals(List.of("c1"), moved.clauses());
    } finally {
      Files.delete(pop);
      TestSupport.delete(v1);
      TestSupport.delete(v2);
    }
  }

  @Test
  void testCoverageAndStrict() throws IOException {
    try (Engine engine = Engine.load(TestSupport.rules())) {
      Report t = engine.test(null);
      assertEquals("test", t.analysis());
      assertTrue(t.total("examples") > 0);
      assertEquals(t.total("examples"), t.total("passed") + t.total("failed"));
      assertEquals(0, t.total("failed"));
      Finding first = t.findings().get(0);
      assertEquals("example_passed", first.kind());
      assertNotNull(first.example());
      assertEquals(t.findings().size(), engine.runExamples().size());
      assertThrows(NotFoundException.class, () -> engine.test("no_such_program"));
    }
    Path dir = broken("uncovered.yaml");
    try (Engine rules = Engine.load(dir)) {
      Report cov = rules.coverage(null);
      assertEquals(2, cov.errors());
      assertEquals("tier.high", cov.ofKind("uncovered_tier").get(0).rule());
      assertEquals("flag.very_high", cov.ofKind("uncovered_flag").get(0).rule());
      Map<String, List<TableRow>> tables = cov.sections().get(0).tables();
      assertEquals(List.of(new TableRow("age_years", "35", List.of(0L, 0L, 1L, 0L)),
          new TableRow("sbp", "140", List.of(1L, 0L, 0L, 0L)),
          new TableRow("sbp", "180", List.of(1L, 0L, 0L, 0L))), tables.get("thresholds"));
      assertEquals(new TableRow("tier.high", null, List.of(0L, 1L, 0L, 0L)),
          tables.get("conditions").get(1));
      assertEquals(List.of(new TableRow("very_high", null, List.of(0L, 0L, 0L, 0L))),
          tables.get("flags"));
      Report strict = rules.checkStrict();
      assertEquals("strict", strict.analysis());
      assertTrue(strict.ofKind("citation").stream()
          .anyMatch(f -> f.message().contains("no_such_clause")));
      assertEquals("no_such_clause", strict.ofKind("citation").get(0).detail());
      assertFalse(Map.copyOf(strict.totals()).isEmpty());
    } finally {
      TestSupport.delete(dir);
    }
  }
}
