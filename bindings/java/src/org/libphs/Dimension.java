package org.libphs;

import java.util.List;

/**
 * One dimension of a {@link Section}'s input space (verify; diff without a population).
 *
 * @param derived a derived value found by a witness search (true) or fields (false)
 * @param values its values' labels ("140 ≤ sbp &lt; 150", "absent", ...)
 */
public record Dimension(String name, boolean derived, List<String> values) {}
