package org.libphs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failing calls leak nothing: 100,000 of them keep the resident set flat. */
class LeakTest {
  private static final int CALLS = 100_000;

  @BeforeEach
  void notUnderSanitizers() {
    // AddressSanitizer's quarantine holds freed memory: the resident set grows by design.
    assumeTrue(System.getenv("PHS_SANITIZED") == null, "running under AddressSanitizer");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] failing() {
    Map<String, Object> unknown = new HashMap<>(TestSupport.htn1());
    unknown.put("no_such_field", 1);
    Map<String, Object> wrongType = new HashMap<>(TestSupport.htn1());
    wrongType.put("sbp", List.of(1));
    Map<String, Object> badEnum = new HashMap<>(TestSupport.htn1());
    badEnum.put("sex", "X");
    Map<String, Object> check = new HashMap<>(TestSupport.htn1());
    check.put("dbp", 200);
    return (Map<String, Object>[]) new Map<?, ?>[] {unknown, wrongType, badEnum, check};
  }

  private static void fail(Engine engine, Map<String, Object>[] bad, int n) {
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = bad[i % bad.length];
      assertThrows(PhsException.class, () -> engine.classify(m));
    }
  }

  /**
   * The least growth of the resident set over three rounds of {@code round}.
   * A leak grows it in every round; the JVM's own noise (late JIT, GC
   * heuristics on a loaded machine) in some rounds only.
   */
  private static long leastGrowth(Runnable round) throws Exception {
    long least = Long.MAX_VALUE;
    for (int r = 0; r < 3; r++) {
      System.gc();
      long before = TestSupport.rss();
      round.run();
      System.gc();
      least = Math.min(least, TestSupport.rss() - before);
    }
    return least;
  }

  @Test
  void failingClassificationsKeepMemoryFlat() throws Exception {
    Map<String, Object>[] bad = failing();
    try (Engine engine = Engine.load()) {
      fail(engine, bad, 20_000); // warm up: JIT, pools, exception classes
      long grown = leastGrowth(() -> fail(engine, bad, CALLS));
      System.out.printf("LeakTest: %d failing classifications, resident set %+d KiB"
          + " (least of 3 rounds)%n", CALLS, grown / 1024);
      assertTrue(grown < 8L << 20, "resident set grew by " + grown / 1024 + " KiB in every round");
    }
  }

  @Test
  void failingLoadsKeepMemoryFlat() throws Exception {
    Path dir = TestSupport.brokenRules("program: broken\nversion: [\n");
    try {
      for (int i = 0; i < 3_000; i++) { // warm up: JIT, metaspace, code cache
        assertThrows(SpecException.class, () -> Engine.load(dir));
      }
      long grown = leastGrowth(() -> {
        for (int i = 0; i < 2_000; i++) {
          assertThrows(SpecException.class, () -> Engine.load(dir));
        }
      });
      System.out.printf("LeakTest: 2000 failing loads, resident set %+d KiB (least of 3 rounds)%n",
          grown / 1024);
      assertTrue(grown < 8L << 20, "resident set grew by " + grown / 1024 + " KiB in every round");
    } finally {
      TestSupport.delete(dir);
    }
  }
}
