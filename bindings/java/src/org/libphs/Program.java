package org.libphs;

import java.util.List;

/**
 * A loaded program specification.
 *
 * @param tiers tier ids in first-match order
 * @param flags flag ids; bit i of a flag mask is {@code flags.get(i)}
 */
public record Program(int index, String id, String version, String status, String titleZh,
    String titleEn, List<String> tiers, List<String> flags) {}
