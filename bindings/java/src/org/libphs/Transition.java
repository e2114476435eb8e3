package org.libphs;

import java.util.List;

/**
 * One cell of a diff's transition matrix.
 *
 * @param count residents (population diffs) or cells (input-space diffs)
 * @param exampleIds up to max_examples resident ids (population diffs, changed cells)
 */
public record Transition(String oldOutcome, String newOutcome, long count,
    List<String> exampleIds) {}
