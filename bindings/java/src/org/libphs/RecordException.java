package org.libphs;

/** A resident's value is invalid or of the wrong type: {@link #getField()} names the field. */
public class RecordException extends PhsException {
  private static final long serialVersionUID = 1L;

  RecordException(int code, String message, String file, int line, int column, String field) {
    super(code, message, file, line, column, field);
  }
}
