package org.libphs;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * One program version analysed (for a diff: one program compared).
 *
 * @param version the version (a diff: the old one)
 * @param newVersion a diff's new version, else null
 * @param totals the section's totals by name ("cells", "residents", "changed", ...)
 * @param transitions a diff's transition matrix, cell by cell (row-major), else empty
 * @param shifts a population diff's due-date shifts, ascending, else empty
 * @param status the version's status ("production", "provisional", ...)
 * @param fingerprint the version's fingerprint (a diff: the old one's)
 * @param newFingerprint a diff's new version's fingerprint, else null
 * @param effectiveFrom the version's first effective day
 * @param effectiveTo its last effective day, or null when open
 * @param date verify: the visit date the cells were checked on, else null
 * @param dimensions the input space's dimensions (verify; diff without a population), else empty
 * @param tables tables of counts by name: "tiers", "flags", "conditions", "thresholds" (each
 *     present, empty where the analysis has none)
 */
public record Section(String program, String version, String newVersion, Map<String, Long> totals,
    List<Transition> transitions, List<Shift> shifts, String status, String fingerprint,
    String newFingerprint, LocalDate effectiveFrom, LocalDate effectiveTo, LocalDate date,
    List<Dimension> dimensions, Map<String, List<TableRow>> tables) {}
