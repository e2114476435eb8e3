package org.libphs;

import java.util.List;

/**
 * One row of a {@link Section}'s table of counts ({@code phs_report_table_*}).
 *
 * @param name a tier, flag or rule id; for thresholds the variable
 * @param label for thresholds the threshold as text, else null
 * @param values four counts: tiers (count, 0, 0, 0); flags: verify (can fire, sampled, 0, 0),
 *     coverage (examples, 0, 0, 0), population diff (gained, lost, 0, 0); conditions (true,
 *     false, unknown, 0); thresholds (below, at, above, absent)
 */
public record TableRow(String name, String label, List<Long> values) {}
