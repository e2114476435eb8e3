package org.libphs;

import java.util.List;
import java.util.Map;

/**
 * One resident's classification: per program (in rule-set order) and the merged follow-up plan.
 *
 * @param fingerprint the fingerprint of the rules that decided it
 * @param json the {@code phs classify} NDJSON line for this resident
 */
public record Result(String id, String fingerprint, Map<String, ProgramResult> programs,
    List<Visit> plan, String json) {

  /** The outcome of one program; throws {@link NotFoundException} for an unknown id. */
  public ProgramResult program(String program) {
    ProgramResult r = programs.get(program);
    if (r == null) {
      throw (NotFoundException) PhsException.of(PhsException.Status.NOT_FOUND.code(),
          "unknown program '" + program + "'", null, 0, 0, null);
    }
    return r;
  }

  /** The {@code phs classify} NDJSON line for this resident. */
  public String toJson() {
    return json;
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
