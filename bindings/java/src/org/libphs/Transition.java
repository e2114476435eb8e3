package org.libphs;

import java.util.List;

/**
 * One cell of a diff's transition matrix.
 *
 * @param count residents (population diffs) or cells (input-space diffs)
 * @param exampleIds up to max_examples resident ids (population diffs, changed cells)
 * @param causes why a changed cell changes (empty for unchanged cells)
 * @param clauses the clauses the causes' rules cite
 */
public record Transition(String oldOutcome, String newOutcome, long count,
    List<String> exampleIds, List<Cause> causes, List<String> clauses) {

  /** A cell without causes (an unchanged one). */
  public Transition(String oldOutcome, String newOutcome, long count, List<String> exampleIds) {
    this(oldOutcome, newOutcome, count, exampleIds, List.of(), List.of());
  }
}
