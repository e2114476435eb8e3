package org.libphs;

import java.util.List;
import java.util.Map;

/**
 * One resident's classification: per program (in rule-set order) and the merged follow-up plan.
 *
 * @param fingerprint the fingerprint of the rules that decided it
 * @param ndjson the library's rendering ({@code phs classify}'s NDJSON line, with the citations'
 *     sources) when it was asked for ({@link Engine#classify(Map, java.time.LocalDate, boolean)}),
 *     else null
 */
public record Result(String id, String fingerprint, Map<String, ProgramResult> programs,
    List<Visit> plan, String ndjson) {

  /** The outcome of one program; throws {@link NotFoundException} for an unknown id. */
  public ProgramResult program(String program) {
    ProgramResult r = programs.get(program);
    if (r == null) {
      throw NotFoundException.unknown("program", program, null);
    }
    return r;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Result[id=").append(id);
    for (ProgramResult p : programs.values()) {
      if (p.tier() != null) {
        b.append(", ").append(p.program()).append('=').append(p.tier());
      }
    }
    return b.append(']').toString();
  }
}
