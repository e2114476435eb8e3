package org.libphs;

/** A name is unknown: a field (see {@link #getField()}), a program, a parameter. */
public class NotFoundException extends PhsException {
  private static final long serialVersionUID = 1L;

  NotFoundException(int code, String message, String file, int line, int column, String field) {
    super(code, message, file, line, column, field);
  }
}
