package org.libphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorTest {
  private static Map<String, Object> with(String field, Object value) {
    Map<String, Object> m = new HashMap<>(TestSupport.htn1());
    m.put(field, value);
    return m;
  }

  @Test
  void unknownFieldNamesTheField() {
    try (Engine engine = Engine.load()) {
      NotFoundException e = assertThrows(NotFoundException.class,
          () -> engine.classify(with("sbpx", 1)));
      assertEquals("sbpx", e.getField());
      assertEquals(PhsException.Status.NOT_FOUND, e.getStatus());
      assertTrue(e.getMessage().contains("sbpx"), e.getMessage());
    }
  }

  @Test
  void wrongTypeNamesTheField() {
    try (Engine engine = Engine.load()) {
      RecordException e = assertThrows(RecordException.class,
          () -> engine.classify(with("sbp", List.of(1))));
      assertEquals("sbp", e.getField());
      assertEquals(-6, e.getCode());
      e = assertThrows(RecordException.class, () -> engine.classify(with("sbp", "abc")));
      assertEquals("sbp", e.getField());
      e = assertThrows(RecordException.class, () -> engine.classify(with("pregnant", 3)));
      assertEquals("pregnant", e.getField());
      e = assertThrows(RecordException.class,
          () -> engine.classify(with("diagnoses", List.of(1, 2))));
      assertEquals("diagnoses", e.getField());
    }
  }

  @Test
  void badValuesAreRefusedByTheLibrary() {
    try (Engine engine = Engine.load()) {
      RecordException e = assertThrows(RecordException.class,
          () -> engine.classify(with("sex", "X")));
      assertEquals("sex", e.getField());
      e = assertThrows(RecordException.class, () -> engine.classify(with("dbp", 200)));
      assertTrue(e.getField().equals("sbp") || e.getField().equals("dbp"), e.getField());
      e = assertThrows(RecordException.class,
          () -> engine.classify(with("visit_date", "2023-02-29")));
      assertEquals("visit_date", e.getField());
      assertNull(e.getFile());
      // The engine is still usable.
      assertEquals("uncontrolled", engine.classify(TestSupport.htn1())
          .program("hypertension").tier());
    }
  }

  @Test
  void brokenSpecHasAPosition() throws Exception {
    Path dir = TestSupport.brokenRules(
        "program: broken\nversion: \"1\"\ntitle: {en: Broken}\nstatus: draft\n"
            + "eligibility: {when: \"age >= \"}\n");
    try {
      SpecException e = assertThrows(SpecException.class, () -> Engine.load(dir));
      assertEquals(PhsException.Status.SPEC, e.getStatus());
      assertTrue(e.getFile() != null && e.getFile().endsWith("broken.yaml"), e.getFile());
      assertTrue(e.getLine() > 0, "line " + e.getLine());
      assertTrue(e.getColumn() > 0, "column " + e.getColumn());
      assertTrue(e.getMessage().contains("broken.yaml:" + e.getLine() + ":"), e.getMessage());
    } finally {
      TestSupport.delete(dir);
    }
  }

  @Test
  void missingDirectoryIsAnIoError() {
    PhsException e = assertThrows(PhsException.class,
        () -> Engine.load(Paths.get("/nonexistent/rules")));
    assertEquals(PhsException.Status.IO, e.getStatus());
  }

  @Test
  void unknownParameterIsNotFound() {
    PhsException e = assertThrows(PhsException.class,
        () -> Engine.builder().param("hypertension.no_such_param", "1").build());
    assertTrue(e.getStatus() == PhsException.Status.NOT_FOUND
        || e.getStatus() == PhsException.Status.SPEC, e.getStatus().toString());
  }
}
