package org.libphs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/** Shared test data: the rules under test and a few residents. */
final class TestSupport {
  private TestSupport() {}

  /** The rules meson's test points at (PHS_RULES_DIR), else the library default. */
  static Path rules() {
    return Engine.defaultRulesDir();
  }

  /** HTN-1 of the hypertension spec's reference vectors: 58 y, 176/108, first time. */
  static Map<String, Object> htn1() {
    return Map.of("id", "htn1", "age", 58, "visit_date", "2024-06-01",
        "diagnoses", List.of("I10"), "sbp", 176, "dbp", 108);
  }

  /** A copy of the rules with one program file replaced by broken YAML. */
  static Path brokenRules(String text) throws IOException {
    Path dir = Files.createTempDirectory("phs-broken");
    Files.copy(rules().resolve("fields.yaml"), dir.resolve("fields.yaml"));
    Files.writeString(dir.resolve("broken.yaml"), text);
    return dir;
  }

  static void delete(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  /** This process's resident set size in bytes (Linux). */
  static long rss() throws IOException {
    String[] f = Files.readString(Paths.get("/proc/self/statm")).trim().split("\\s+");
    return Long.parseLong(f[1]) * 4096L;
  }
}
