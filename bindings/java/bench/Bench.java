import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.libphs.ColumnResults;
import org.libphs.Columns;
import org.libphs.Engine;
import org.libphs.Field;

/**
 * Java throughput for bindings/bench.py:
 *
 * <pre>java -cp build/bindings/java/libphs.jar bindings/java/bench/Bench.java RULES CSV REPS MAPS</pre>
 *
 * Reads the residents CSV (phs_bench --emit-csv) into one array per column (not timed), then
 * times Engine.classifyColumns over all of them (median of REPS) and Engine.classify over the
 * first MAPS residents as Maps.
 */
class Bench {
  public static void main(String[] args) throws Exception {
    Path rules = Path.of(args[0]);
    Path csv = Path.of(args[1]);
    int reps = Integer.parseInt(args[2]);
    int maps = Integer.parseInt(args[3]);
    try (Engine engine = Engine.load(rules)) {
      List<String[]> rows = new ArrayList<>();
      String[] header;
      try (BufferedReader in = Files.newBufferedReader(csv)) {
        header = in.readLine().split(",", -1);
        String line;
        while ((line = in.readLine()) != null) {
          rows.add(line.split(",", -1));
        }
      }
      int n = rows.size();
      Columns cols = new Columns(n);
      for (int c = 0; c < header.length; c++) {
        Field f = engine.fields().get(header[c]);
        String[] cells = new String[n];
        for (int i = 0; i < n; i++) {
          cells[i] = rows.get(i)[c];
        }
        switch (f.type()) {
          case NUMBER -> cols.number(f.name(), Arrays.stream(cells)
              .mapToDouble(s -> s.isEmpty() ? Double.NaN : Double.parseDouble(s)).toArray());
          case BOOL -> cols.bool(f.name(), Arrays.stream(cells)
              .map(s -> s.isEmpty() ? null : s.equals("true")).toArray(Boolean[]::new));
          case DATE -> cols.date(f.name(), Arrays.stream(cells)
              .map(s -> s.isEmpty() ? null : java.time.LocalDate.parse(s))
              .toArray(java.time.LocalDate[]::new));
          case CODES -> cols.string(f.name(), cells); // "" is the empty list
          default -> cols.string(f.name(), Arrays.stream(cells)
              .map(s -> s.isEmpty() ? null : s).toArray(String[]::new));
        }
      }
      double[] times = new double[reps];
      ColumnResults r = null;
      for (int k = 0; k < reps; k++) {
        long t0 = System.nanoTime();
        r = engine.classifyColumns(cols);
        times[k] = (System.nanoTime() - t0) / 1e9;
      }
      Arrays.sort(times);
      double med = times[reps / 2];
      int refused = 0;
      for (int i = 0; i < n; i++) {
        refused += r.ok(i) ? 0 : 1;
      }
      System.out.printf("java-batch: %d residents, median of %d: %.3f s, %.0f residents/s, "
          + "%d refused%n", n, reps, med, n / med, refused);
      System.out.println("java-batch-hypertension: " + r.tierCounts("hypertension"));

      int m = Math.min(maps, n);
      List<Map<String, Object>> residents = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        Map<String, Object> res = new HashMap<>();
        String[] row = rows.get(i);
        for (int c = 0; c < header.length; c++) {
          if (row[c].isEmpty()) {
            continue;
          }
          Field f = engine.fields().get(header[c]);
          switch (f.type()) {
            case NUMBER:
              res.put(f.name(), Double.parseDouble(row[c]));
              break;
            case BOOL:
              res.put(f.name(), row[c].equals("true"));
              break;
            default:
              res.put(f.name(), row[c]);
          }
        }
        residents.add(res);
      }
      for (int i = 0; i < Math.min(m, 20_000); i++) {
        engine.classify(residents.get(i)); // warm up the JIT
      }
      long t0 = System.nanoTime();
      for (Map<String, Object> res : residents) {
        engine.classify(res);
      }
      double t = (System.nanoTime() - t0) / 1e9;
      System.out.printf("java-record: %d residents as Maps: %.3f s, %.0f residents/s%n", m, t,
          m / t);
    }
  }
}
