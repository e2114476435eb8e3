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
 */
public record Finding(String kind, String severity, String program, String version, String rule,
    String message, String exampleId, Map<String, Object> example, String exampleJson) {}
