package org.libphs;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every regulator analysis returns ({@link Engine#verify}, {@link Engine#diff},
 * {@link Engine#coverage}, {@link Engine#test}, {@link Engine#checkStrict}): data read accessor
 * by accessor from the C report ({@code include/phs/analysis.h}).
 *
 * @param analysis "verify", "diff", "coverage", "test" or "strict"
 * @param totals by name ({@code phs_total_name}): "cells", "checked", "residents", "changed",
 *     "examples", "passed", "failed", ...
 * @param sections one per program version (a diff: per program compared)
 * @param text the library's text rendering of the same report
 * @param json the library's JSON rendering of the same report
 * @param fingerprint the rule set's fingerprint (a diff: the old one's)
 * @param newFingerprint a diff's new rule set's fingerprint, else null
 * @param population the population file a diff read, else null
 * @param maxCells verify, diff: cells checked exhaustively before sampling (0 otherwise)
 * @param seed verify, diff: the sample's seed (0 otherwise)
 */
public record Report(String analysis, Map<String, Long> totals, List<Section> sections,
    List<Finding> findings, long errors, long warnings, String text, String json,
    String fingerprint, String newFingerprint, String population, long maxCells, long seed) {

  private static final List<String> ANALYSES =
      Arrays.asList(null, "verify", "diff", "coverage", "test", "strict");
  private static final List<String> FIELD_TYPES =
      Arrays.asList("number", "bool", "string", "date", "enum", "codes");
  /** Tables of a section by name, in phs_table order. */
  private static final List<String> TABLES = List.of("tiers", "flags", "conditions", "thresholds");

  /** True when the report holds no error. */
  public boolean ok() {
    return errors == 0;
  }

  /** A total by name (0 for a total the analysis does not count). */
  public long total(String name) {
    return totals.getOrDefault(name, 0L);
  }

  /** The findings of one kind ("gap", "dead_tier", ...). */
  public List<Finding> ofKind(String kind) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings) {
      if (f.kind().equals(kind)) {
        out.add(f);
      }
    }
    return out;
  }

  /** Every non-empty cell of every section's transition matrix (a diff), section by section. */
  public List<Transition> transitions() {
    List<Transition> out = new ArrayList<>();
    for (Section s : sections) {
      for (Transition t : s.transitions()) {
        if (t.count() > 0) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private static Map<String, Long> totals(java.util.function.IntToDoubleFunction get) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < PhsCoreConstants.PHS_TOTAL_COUNT; i++) {
      out.put(PhsCore.totalName(i), (long) get.applyAsDouble(i));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Object value(String text, int type) {
    String kind = type >= 0 && type < FIELD_TYPES.size() ? FIELD_TYPES.get(type) : "string";
    switch (kind) {
      case "number":
        return Double.valueOf(text);
      case "bool":
        return text.equals("true");
      case "date":
        return LocalDate.parse(text);
      case "codes":
        return text.isEmpty() ? List.of() : List.of(text.split(";", -1));
      default:
        return text;
    }
  }

  private static Finding finding(NativeReport r, int i) {
    Map<String, Object> example = null;
    if (r.example(i) != null) {
      example = new LinkedHashMap<>();
      for (int k = 0; k < r.exampleCount(i); k++) {
        example.put(r.exampleField(i, k), value(r.exampleValue(i, k), r.exampleType(i, k)));
      }
      example = Collections.unmodifiableMap(example);
    }
    return new Finding(PhsCore.findingKindName(r.kind(i)), PhsCore.severityName(r.severity(i)),
        r.program(i), r.version(i), r.rule(i), r.message(i), r.exampleId(i), example,
        r.example(i), r.detail(i), r.before(i), r.after(i), (long) r.cells(i));
  }

  private static Transition transition(NativeReport r, int s, int y, int x) {
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < r.matrixExampleCount(s, y, x); k++) {
      ids.add(r.matrixExampleId(s, y, x, k));
    }
    List<Cause> causes = new ArrayList<>();
    for (int k = 0; k < r.causeCount(s, y, x); k++) {
      causes.add(new Cause(r.causeRule(s, y, x, k), r.causeOld(s, y, x, k),
          r.causeNew(s, y, x, k), (long) r.causeResidents(s, y, x, k)));
    }
    List<String> clauses = new ArrayList<>();
    for (int k = 0; k < r.clauseCount(s, y, x); k++) {
      clauses.add(r.clause(s, y, x, k));
    }
    return new Transition(r.matrixRow(s, y), r.matrixCol(s, x), (long) r.matrixCell(s, y, x),
        List.copyOf(ids), List.copyOf(causes), List.copyOf(clauses));
  }

  private static Dimension dimension(NativeReport r, int s, int d) {
    List<String> values = new ArrayList<>();
    for (int k = 0; k < r.dimensionValueCount(s, d); k++) {
      values.add(r.dimensionValue(s, d, k));
    }
    return new Dimension(r.dimensionName(s, d), r.dimensionDerived(s, d) == 1,
        List.copyOf(values));
  }

  private static Map<String, List<TableRow>> tables(NativeReport r, int s) {
    Map<String, List<TableRow>> out = new LinkedHashMap<>();
    for (int t = 0; t < TABLES.size(); t++) {
      List<TableRow> rows = new ArrayList<>();
      for (int row = 0; row < r.tableRows(s, t); row++) {
        List<Long> values = new ArrayList<>();
        for (int col = 0; col < 4; col++) {
          values.add((long) r.tableValue(s, t, row, col));
        }
        rows.add(new TableRow(r.tableName(s, t, row), r.tableLabel(s, t, row),
            List.copyOf(values)));
      }
      out.put(TABLES.get(t), List.copyOf(rows));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Section section(NativeReport r, int s) {
    List<Transition> transitions = new ArrayList<>();
    for (int y = 0; y < r.matrixRows(s); y++) {
      for (int x = 0; x < r.matrixCols(s); x++) {
        transitions.add(transition(r, s, y, x));
      }
    }
    List<Shift> shifts = new ArrayList<>();
    for (int k = 0; k < r.shiftCount(s); k++) {
      shifts.add(new Shift(r.shiftDays(s, k), (long) r.shiftResidents(s, k)));
    }
    List<Dimension> dimensions = new ArrayList<>();
    for (int d = 0; d < r.dimensionCount(s); d++) {
      dimensions.add(dimension(r, s, d));
    }
    return new Section(r.sectionProgram(s), r.sectionVersion(s), r.sectionNewVersion(s),
        totals(w -> r.sectionTotal(s, w)), List.copyOf(transitions), List.copyOf(shifts),
        r.sectionStatus(s), r.sectionFingerprint(s), r.sectionNewFingerprint(s),
        Engine.date(r.sectionFrom(s)), Engine.date(r.sectionTo(s)), Engine.date(r.sectionDate(s)),
        List.copyOf(dimensions), tables(r, s));
  }

  /** Reads a native report (which the caller then closes). */
  static Report of(NativeReport r) {
    List<Section> sections = new ArrayList<>();
    for (int s = 0; s < r.sectionCount(); s++) {
      sections.add(section(r, s));
    }
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < r.count(); i++) {
      findings.add(finding(r, i));
    }
    return new Report(ANALYSES.get(r.analysis()), totals(r::total), List.copyOf(sections),
        Collections.unmodifiableList(findings), r.errors(), r.warnings(), r.text(), r.json(),
        r.fingerprint(), r.newFingerprint(), r.population(), r.maxCells(), r.seed());
  }
}
