package org.libphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnsTest {
  private static final String[] IDS = {"a", "b", "c", "d"};
  private static final double[] AGE = {58, 70, 30, 66};
  private static final double[] SBP = {176, 148, 120, Double.NaN};
  private static final double[] DBP = {108, 88, 80, Double.NaN};
  private static final String[] DX = {"I10", "I10;E11", null, "I10"};
  private static final Boolean[] PREV = {null, false, null, true};
  private static final LocalDate[] VISIT = {LocalDate.of(2024, 6, 1), LocalDate.of(2024, 6, 1),
      LocalDate.of(2024, 6, 1), null};

  private static Columns columns() {
    return new Columns(IDS.length).string("id", IDS).number("age", AGE).number("sbp", SBP)
        .number("dbp", DBP).codes("diagnoses", DX).bool("htn_prev_uncontrolled", PREV)
        .date("visit_date", VISIT);
  }

  private static Map<String, Object> row(int i) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", IDS[i]);
    m.put("age", AGE[i]);
    m.put("sbp", SBP[i]);
    m.put("dbp", DBP[i]);
    m.put("diagnoses", DX[i]);
    m.put("htn_prev_uncontrolled", PREV[i]);
    m.put("visit_date", VISIT[i]);
    return m;
  }

  @Test
  void columnsAgreeWithRecords() {
    try (Engine engine = Engine.load()) {
      ColumnResults cr = engine.classifyColumns(columns());
      assertEquals(IDS.length, cr.size());
      for (int i = 0; i < IDS.length; i++) {
        assertTrue(cr.ok(i));
        Result r = engine.classify(row(i));
        for (Program p : engine.programs()) {
          ProgramResult pr = r.program(p.id());
          assertEquals(pr.tier(), cr.tier(i, p.index()), IDS[i] + " " + p.id());
          assertEquals(pr.outcome(), cr.outcome(i, p.index()), IDS[i] + " " + p.id());
          assertEquals(pr.nextDue(), cr.nextDue(i, p.id()), IDS[i] + " " + p.id());
          assertEquals(pr.flags(), cr.flags(i, p.id()), IDS[i] + " " + p.id());
        }
      }
      assertEquals("uncontrolled", cr.tier(0, "hypertension"));
      Map<String, Integer> counts = cr.tierCounts("hypertension");
      assertEquals(IDS.length, counts.values().stream().mapToInt(Integer::intValue).sum());
    }
  }

  @Test
  void aRefusedRowDoesNotStopTheBatch() {
    try (Engine engine = Engine.load()) {
      double[] sbp = SBP.clone();
      sbp[1] = 2000; // out of range
      Columns cols = new Columns(IDS.length).string("id", IDS).number("age", AGE)
          .number("sbp", sbp).number("dbp", DBP).codes("diagnoses", DX)
          .date("visit_date", VISIT);
      ColumnResults cr = engine.classifyColumns(cols);
      assertTrue(cr.ok(0));
      assertFalse(cr.ok(1));
      assertEquals(-6, cr.status(1));
      assertEquals(null, cr.tier(1, "hypertension"));
      assertEquals("uncontrolled", cr.tier(0, "hypertension"));
    }
  }

  @Test
  void repeatedEnumAndCodeValuesAreReadOncePerValue() {
    // Enum and codes columns reach the native side as codes into their
    // distinct values: every row must still read its own value, a bad one
    // refusing only its row.
    String[] sexes = {"M", "F", null, "M", "X", "F"};
    String[] dx = {"I10", "E11", "I10;E11", null, "", "I10"};
    int n = 300;
    String[] sex = new String[n];
    String[] codes = new String[n];
    double[] age = new double[n];
    double[] sbp = new double[n];
    java.util.Arrays.fill(sbp, 150);
    for (int i = 0; i < n; i++) {
      sex[i] = sexes[i % sexes.length];
      codes[i] = dx[i % dx.length];
      age[i] = 40 + i % 50;
    }
    try (Engine engine = Engine.load()) {
      ColumnResults cr = engine.classifyColumns(new Columns(n).string("sex", sex)
          .codes("diagnoses", codes).number("age", age).number("sbp", sbp)
          .dateDays("visit_date", new int[n]));
      for (int i = 0; i < n; i++) {
        assertEquals(!"X".equals(sex[i]), cr.ok(i), "row " + i);
        if (!cr.ok(i)) {
          continue;
        }
        Map<String, Object> m = new HashMap<>();
        m.put("sex", sex[i]);
        m.put("diagnoses", codes[i]);
        m.put("age", age[i]);
        m.put("sbp", 150.0);
        m.put("visit_date", LocalDate.ofEpochDay(0));
        Result r = engine.classify(m);
        for (Program p : engine.programs()) {
          assertEquals(r.program(p.id()).tier(), cr.tier(i, p.index()), i + " " + p.id());
          assertEquals(r.program(p.id()).flags(), cr.flags(i, p.id()), i + " " + p.id());
        }
      }
    }
  }

  @Test
  void wrongColumnTypesAreRefused() {
    try (Engine engine = Engine.load()) {
      RecordException e = assertThrows(RecordException.class,
          () -> engine.classifyColumns(new Columns(1).string("sbp", new String[] {"1"})));
      assertEquals("sbp", e.getField());
      assertThrows(NotFoundException.class,
          () -> engine.classifyColumns(new Columns(1).number("nope", new double[] {1})));
      assertThrows(IllegalArgumentException.class,
          () -> new Columns(2).number("sbp", new double[] {1}));
      assertEquals(List.of("sbp"), new Columns(1).number("sbp", new double[] {1}).fields());
    }
  }

  /** rules + an older copd version (until 2024-09-12) whose first tier and flag are new. */
  private static Path twoVersions() throws Exception {
    Path dir = Files.createTempDirectory("phs-versions");
    try (var files = Files.list(TestSupport.rules())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.toString().endsWith(".yaml")) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    String text = Files.readString(TestSupport.rules().resolve("copd.yaml"));
    text = text.replaceFirst("(?m)^version: .*$", "version: \"2020.1\"")
        .replaceFirst("(?m)^effective: .*$", "effective: {from: 2020-01-01, to: 2024-09-12}")
        .replaceFirst("\ntiers:\n", "\ntiers:\n  - id: old_catch_all\n    level: 1\n"
            + "    when: \"true\"\n    follow_up: {interval: 12 months}\n"
            + "    referral: false\n    actions: [book_next_follow_up]\n    cite: [copd.abe]\n\n")
        .replaceFirst("\nflags:\n", "\nflags:\n  - id: old_flag\n    when: \"true\"\n"
            + "    cite: [copd.abe]\n");
    text = text.split("\nexamples:")[0] + "\n";
    Files.writeString(dir.resolve("copd_2020.yaml"), text);
    return dir;
  }

  @Test
  void programVersionsDecodeByVisitDate() throws Exception {
    Path dir = twoVersions();
    try (Engine engine = Engine.load(dir)) {
      LocalDate[] visits = {LocalDate.of(2023, 6, 1), LocalDate.of(2025, 1, 10), null,
          LocalDate.of(2024, 9, 12), LocalDate.of(2024, 9, 13)};
      int n = visits.length;
      double[] age = new double[n];
      double[] ratio = new double[n];
      double[] pct = new double[n];
      double[] exac = new double[n];
      String[] dx = new String[n];
      java.util.Arrays.fill(age, 70);
      java.util.Arrays.fill(ratio, 0.6);
      java.util.Arrays.fill(pct, 60);
      java.util.Arrays.fill(dx, "J44.1");
      for (int i = 0; i < n; i++) {
        exac[i] = 1 + i % 2;
      }
      ColumnResults cr = engine.classifyColumns(new Columns(n).number("age", age)
          .date("visit_date", visits).codes("diagnoses", dx).number("fev1_fvc", ratio)
          .number("fev1_pct_pred", pct).number("exacerbations_12m", exac));
      int copd = engine.programs().stream().filter(p -> p.id().equals("copd")).findFirst()
          .orElseThrow().index();
      assertEquals("old_catch_all", cr.tier(0, copd));
      assertTrue(cr.flags(0, copd).contains("old_flag"));
      for (int i = 0; i < n; i++) {
        Map<String, Object> m = new HashMap<>();
        m.put("age", 70);
        m.put("visit_date", visits[i]);
        m.put("diagnoses", "J44.1");
        m.put("fev1_fvc", 0.6);
        m.put("fev1_pct_pred", 60);
        m.put("exacerbations_12m", exac[i]);
        ProgramResult pr = engine.classify(m).program("copd");
        assertEquals(pr.tier(), cr.tier(i, copd), "row " + i);
        assertEquals(pr.flags(), cr.flags(i, copd), "row " + i);
      }
    } finally {
      TestSupport.delete(dir);
    }
  }
}
