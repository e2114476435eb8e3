package org.libphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
