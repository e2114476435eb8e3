package org.libphs;

/** A rule specification is invalid: {@link #getFile()}, {@link #getLine()} and {@link #getColumn()} say where. */
public class SpecException extends PhsException {
  private static final long serialVersionUID = 1L;

  SpecException(int code, String message, String file, int line, int column, String field) {
    super(code, message, file, line, column, field);
  }
}
