package org.libphs;

import java.util.List;

/** A rule that decided part of a result, and the clause ids it cites. */
public record Reason(String rule, List<String> cites) {}
