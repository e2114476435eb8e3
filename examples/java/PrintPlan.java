import java.util.*;
import org.libphs.*;

class PrintPlan {
  public static void main(String[] args) {
    try (Engine engine = Engine.load()) {          // the bundled rules
      Result r = engine.classify(Map.of("id", "r1", "age", 66, "visit_date", "2024-06-01",
          "diagnoses", List.of("I10", "E11"), "sbp", 150, "dbp", 92, "fpg", 8.1));
      for (Visit v : r.plan()) System.out.println(v.date() + " " + v.programs());
    }
  }
}
