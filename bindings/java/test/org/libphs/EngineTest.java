package org.libphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EngineTest {
  @Test
  void loadsTheBundledRules() {
    try (Engine engine = Engine.load()) {
      assertTrue(engine.fingerprint().startsWith("sha256:"), engine.fingerprint());
      assertFalse(engine.programs().isEmpty());
      assertEquals(FieldType.NUMBER, engine.fields().get("sbp").type());
      assertEquals(FieldType.CODES, engine.fields().get("diagnoses").type());
      Program htn = engine.programs().stream().filter(p -> p.id().equals("hypertension"))
          .findFirst().orElseThrow();
      assertTrue(htn.tiers().contains("controlled"));
      assertEquals(PhsCore.version(), Engine.libraryVersion());
    }
  }

  @Test
  void classifiesIntoTypedResults() {
    try (Engine engine = Engine.load(TestSupport.rules())) {
      Result r = engine.classify(TestSupport.htn1());
      assertEquals("htn1", r.id());
      assertEquals(engine.fingerprint(), r.fingerprint());
      ProgramResult htn = r.program("hypertension");
      assertEquals(Outcome.TIERED, htn.outcome());
      assertEquals(Boolean.TRUE, htn.enrolled());
      assertEquals("uncontrolled", htn.tier());
      assertEquals(3, htn.level());
      assertEquals(LocalDate.of(2024, 6, 15), htn.nextDue());
      assertFalse(htn.referral());
      assertEquals(List.of(), htn.flags());
      assertEquals(List.of(), htn.missing());
      assertFalse(htn.reasons().isEmpty());
      assertTrue(htn.reasons().stream().anyMatch(x -> x.rule().equals("tier.uncontrolled")));
      assertEquals(LocalDate.of(2024, 6, 15), r.plan().get(0).date());
      assertTrue(r.plan().get(0).programs().contains("hypertension"));
      assertNull(r.ndjson());
      String line = engine.classify(TestSupport.htn1(), null, true).ndjson();
      assertTrue(line.contains("\"tier\":\"uncontrolled\""), line);
      assertEquals(engine.programs().size(), r.programs().size());
      assertThrows(NotFoundException.class, () -> r.program("nope"));
    }
  }

  @Test
  void notEnrolledHasNoTier() {
    try (Engine engine = Engine.load()) {
      Result r = engine.classify(Map.of("id", "x", "age", 30, "visit_date", "2024-06-01"));
      ProgramResult htn = r.program("hypertension");
      assertEquals(Outcome.NOT_ENROLLED, htn.outcome());
      assertNull(htn.tier());
      assertNull(htn.nextDue());
    }
  }

  @Test
  void acceptsJavaValueTypes() {
    try (Engine engine = Engine.load()) {
      Map<String, Object> m = new HashMap<>(TestSupport.htn1());
      m.put("visit_date", LocalDate.of(2024, 6, 1));
      m.put("sbp", 176.0);
      m.put("dbp", 108L);
      m.put("diagnoses", "I10");
      m.put("pregnant", Boolean.FALSE);
      m.put("heart_rate", null);
      assertEquals(engine.classify(TestSupport.htn1()), engine.classify(m));
    }
  }

  @Test
  void asOfIsTheVisitDateWhenNoneIsGiven() {
    try (Engine engine = Engine.load()) {
      Map<String, Object> m = new HashMap<>(TestSupport.htn1());
      m.remove("visit_date");
      Result r = engine.classify(m, LocalDate.of(2024, 6, 1));
      assertEquals(LocalDate.of(2024, 6, 15), r.program("hypertension").nextDue());
    }
  }

  @Test
  void closeIsIdempotentAndFinal() {
    Engine engine = Engine.load();
    engine.close();
    engine.close();
    assertThrows(IllegalStateException.class, () -> engine.classify(TestSupport.htn1()));
    assertThrows(IllegalStateException.class, () -> engine.classifyColumns(new Columns(0)));
  }

  @Test
  void unclosedEnginesAreCollected() {
    for (int i = 0; i < 50; i++) {
      Engine.load().classify(TestSupport.htn1());
    }
    System.gc();
  }

  @Test
  void isSafeAcrossThreads() throws Exception {
    try (Engine engine = Engine.load()) {
      Result want = engine.classify(TestSupport.htn1());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            if (!engine.classify(TestSupport.htn1()).equals(want)) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : futures) {
        assertTrue(f.get());
      }
      pool.shutdown();
    }
  }

  @Test
  void parameterOverridesReachTheRules() {
    try (Engine engine = Engine.builder().rules(TestSupport.rules())
        .param("hypertension.bp_target_profile", "guideline_2025").build()) {
      assertNotNull(engine.fingerprint());
      try (Engine plain = Engine.load()) {
        assertFalse(plain.fingerprint().equals(engine.fingerprint()));
      }
    }
  }

  @Test
  void runsTheEmbeddedExamples() {
    try (Engine engine = Engine.load()) {
      List<ExampleOutcome> outcomes = engine.runExamples();
      assertFalse(outcomes.isEmpty());
      assertSame(String.class, outcomes.get(0).program().getClass());
    }
  }

  @Test
  void classifyAllKeepsOrder() {
    try (Engine engine = Engine.load()) {
      Map<String, Object> other = new HashMap<>(TestSupport.htn1());
      other.put("id", "second");
      List<Result> rs = engine.classifyAll(List.of(TestSupport.htn1(), other));
      assertEquals("htn1", rs.get(0).id());
      assertEquals("second", rs.get(1).id());
    }
  }
}
