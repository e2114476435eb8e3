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
 */
public record Report(String analysis, Map<String, Long> totals, List<Section> sections,
    List<Finding> findings, long errors, long warnings, String text, String json) {

  private static final List<String> ANALYSES =
      Arrays.asList(null, "verify", "diff", "coverage", "test", "strict");
  private static final List<String> FIELD_TYPES =
      Arrays.asList("number", "bool", "string", "date", "enum", "codes");

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
        r.example(i));
  }

  private static Section section(NativeReport r, int s) {
    List<Transition> transitions = new ArrayList<>();
    for (int y = 0; y < r.matrixRows(s); y++) {
      for (int x = 0; x < r.matrixCols(s); x++) {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < r.matrixExampleCount(s, y, x); k++) {
          ids.add(r.matrixExampleId(s, y, x, k));
        }
        transitions.add(new Transition(r.matrixRow(s, y), r.matrixCol(s, x),
            (long) r.matrixCell(s, y, x), List.copyOf(ids)));
      }
    }
    List<Shift> shifts = new ArrayList<>();
    for (int k = 0; k < r.shiftCount(s); k++) {
      shifts.add(new Shift(r.shiftDays(s, k), (long) r.shiftResidents(s, k)));
    }
    return new Section(r.sectionProgram(s), r.sectionVersion(s), r.sectionNewVersion(s),
        totals(w -> r.sectionTotal(s, w)), List.copyOf(transitions), List.copyOf(shifts));
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
        Collections.unmodifiableList(findings), r.errors(), r.warnings(), r.text(), r.json());
  }
}
