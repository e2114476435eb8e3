package org.libphs;

/**
 * A rule whose condition changed value for the residents (or cells) of a changed {@link
 * Transition} ({@code phs_report_cause_*}).
 *
 * @param rule "tier.controlled", "flag.x", ...
 * @param oldTruth its truth in the old version: "true", "false", "unknown", or "absent" for a
 *     rule the version lacks
 * @param newTruth its truth in the new version, likewise
 * @param count residents (population diffs) or cells (input-space diffs)
 */
public record Cause(String rule, String oldTruth, String newTruth, long count) {}
