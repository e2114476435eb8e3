package org.libphs;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Residents given as columns, for {@link Engine#classifyColumns}: one array per field, each
 * holding the value of every resident (the batch path of libphs, {@code phs_classify_columns}).
 *
 * <pre>{@code
 * Columns cols = new Columns(n)
 *     .string("id", ids)
 *     .number("sbp", sbp)               // NaN = absent
 *     .date("visit_date", visits)       // null = absent
 *     .codes("diagnoses", dx);          // "I10;E11", null = absent
 * }</pre>
 */
public final class Columns {
  final int size;
  final List<String> names = new ArrayList<>();
  final List<Object> values = new ArrayList<>();

  /** Columns of {@code size} residents. */
  public Columns(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("size < 0");
    }
    this.size = size;
  }

  public int size() {
    return size;
  }

  /** The field names given so far, in order. */
  public List<String> fields() {
    return Collections.unmodifiableList(names);
  }

  private Columns add(String field, Object array, int length) {
    if (length != size) {
      throw new IllegalArgumentException(
          "column '" + field + "' has " + length + " values, not " + size);
    }
    if (names.contains(field)) {
      throw new IllegalArgumentException("column '" + field + "' given twice");
    }
    names.add(field);
    values.add(array);
    return this;
  }

  /** A number field; NaN is absent. */
  public Columns number(String field, double[] values) {
    return add(field, values, values.length);
  }

  /** A bool field: 1 true, 0 false, -1 absent. */
  public Columns bool(String field, byte[] values) {
    return add(field, values, values.length);
  }

  /** A bool field; null is absent. */
  public Columns bool(String field, Boolean[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = values[i] == null ? (byte) -1 : values[i] ? (byte) 1 : (byte) 0;
    }
    return add(field, b, b.length);
  }

  /** A date field as epoch days ({@link LocalDate#toEpochDay()}); {@link Integer#MIN_VALUE} is
   * absent. */
  public Columns dateDays(String field, int[] days) {
    return add(field, days, days.length);
  }

  /** A date field; null is absent. */
  public Columns date(String field, LocalDate[] values) {
    int[] d = new int[values.length];
    Arrays.setAll(d, i -> values[i] == null ? Integer.MIN_VALUE
        : Math.toIntExact(values[i].toEpochDay()));
    return add(field, d, d.length);
  }

  /** A string or enum field, or a codes field written "A;B"; null is absent. */
  public Columns string(String field, String[] values) {
    return add(field, values, values.length);
  }

  /** A codes field ("I10;E11", "" = the empty list); null is absent. */
  public Columns codes(String field, String[] values) {
    return add(field, values, values.length);
  }
}
