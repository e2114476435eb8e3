package org.libphs;

import java.time.LocalDate;
import java.util.List;

/** One visit of the merged follow-up plan: its date and the programs it serves. */
public record Visit(LocalDate date, List<String> programs) {}
