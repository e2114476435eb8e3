package org.libphs;

/** Residents whose next due date moves by {@code days} (new minus old) in a diff. */
public record Shift(long days, long residents) {}
