package org.libphs;

/** Value types of input fields ({@code phs_type}). */
public enum FieldType {
  /** A number: any {@link Number}. */
  NUMBER,
  /** A bool: {@link Boolean}. */
  BOOL,
  /** Free text: {@link String}. */
  STRING,
  /** A date: {@link java.time.LocalDate} or "YYYY-MM-DD". */
  DATE,
  /** One of a declared set of strings. */
  ENUM,
  /** A list of codes: a {@link java.util.Collection} of String, or "A;B". */
  CODES;

  static FieldType of(int code) {
    return values()[code];
  }
}
