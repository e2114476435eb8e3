package org.libphs;

import java.util.Map;

/**
 * One finding of a {@link Report} ({@code phs_report_kind} ... {@code phs_report_example}).
 *
 * @param kind "gap", "dead_tier", "dead_flag", "insufficient_data", "transition",
 *     "example_failed", ... ({@code phs_finding_kind_name})
 * @param severity "info", "warning" or "error"
 * @param version the program version the finding is about, or null
 * @param rule "tier.controlled", "flag.x", a parameter name, or null
 * @param exampleId the example resident's id (a counterexample, or the embedded example), or null
 * @param example the example resident's fields in dictionary order, typed by the field
 *     dictionary: Double, Boolean, LocalDate, String, or List&lt;String&gt; of codes; null without
 *     one
 * @param exampleJson the same resident as one JSON object (what {@code phs explain} reads)
 * @param detail the region of the input space ("age_years ≥ 65, 140 ≤ sbp &lt; 150"), why a flag
 *     is dead, what changed in a rule, ... ({@code phs_report_detail}), or null
 * @param before a diff transition's old outcome, a changed parameter's old value, or null
 * @param after a diff transition's new outcome, a changed parameter's new value, the outcome
 *     that takes a dead tier's example, an insufficient_data region's example's outcome, or null
 * @param cells the cells of a region (0 where the finding has none)
 */
public record Finding(String kind, String severity, String program, String version, String rule,
    String message, String exampleId, Map<String, Object> example, String exampleJson,
    String detail, String before, String after, long cells) {}
