package org.libphs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Java side of bindings/conformance.py: reads the spec examples as typed values from
 * standard input and prints, per example and program, tier, next_due and flags.
 *
 * <pre>
 * in:  E key | P program.name value | F field kind value (kind n b d s l) | .
 * out: key OK program tier next_due flags   or   key ERROR field
 * </pre>
 * (tab-separated; "-" for null; list items joined by U+001F, flags by ",")
 */
public final class ConformanceMain {
  private ConformanceMain() {}

  public static void main(String[] args) throws Exception {
    String rules = args[0];
    Map<String, Engine> engines = new HashMap<>();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String key = null;
    Map<String, String> params = new TreeMap<>();
    Map<String, Object> input = new LinkedHashMap<>();
    String line;
    while ((line = in.readLine()) != null) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "E":
          key = f[1];
          params.clear();
          input.clear();
          break;
        case "P":
          params.put(f[1], f[2]);
          break;
        case "F":
          input.put(f[1], value(f[2], f[3]));
          break;
        case ".":
          Engine engine = engines.computeIfAbsent(params.toString(), k -> {
            Engine.Builder b = Engine.builder().rules(Paths.get(rules));
            params.forEach(b::param);
            return b.build();
          });
          try {
            Result r = engine.classify(input);
            for (ProgramResult p : r.programs().values()) {
              out.println(key + "\tOK\t" + p.program() + "\t" + (p.tier() == null ? "-" : p.tier())
                  + "\t" + (p.nextDue() == null ? "-" : p.nextDue()) + "\t"
                  + String.join(",", p.flags()));
            }
          } catch (PhsException e) {
            out.println(key + "\tERROR\t" + (e.getField() == null ? "-" : e.getField()));
          }
          break;
        default:
          throw new IllegalArgumentException("bad line: " + line);
      }
    }
    out.flush();
    for (Engine e : engines.values()) {
      e.close();
    }
  }

  private static Object value(String kind, String v) {
    switch (kind) {
      case "n":
        return v.contains(".") || v.contains("e") ? (Object) Double.valueOf(v) : Long.valueOf(v);
      case "b":
        return Boolean.valueOf(v);
      case "d":
        return LocalDate.parse(v);
      case "s":
        return v;
      case "l":
        List<String> items = new ArrayList<>();
        if (!v.isEmpty()) {
          for (String s : v.split("\u001f", -1)) {
            items.add(s);
          }
        }
        return items;
      default:
        throw new IllegalArgumentException("bad kind " + kind);
    }
  }
}
