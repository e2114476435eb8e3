package org.libphs;

/** A name is unknown: a field (see {@link #getField()}), a program, a parameter. */
public class NotFoundException extends PhsException {
  private static final long serialVersionUID = 1L;

  NotFoundException(int code, String message, String file, int line, int column, String field) {
    super(code, message, file, line, column, field);
  }

  /** "unknown {what} '{name}'"; field: the field it concerns, or null. */
  static NotFoundException unknown(String what, String name, String field) {
    return (NotFoundException) PhsException.of(PhsException.Status.NOT_FOUND.code(),
        "unknown " + what + " '" + name + "'", null, 0, 0, field);
  }
}
