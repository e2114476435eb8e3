package org.libphs;

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
 */
public record Section(String program, String version, String newVersion, Map<String, Long> totals,
    List<Transition> transitions, List<Shift> shifts) {}
