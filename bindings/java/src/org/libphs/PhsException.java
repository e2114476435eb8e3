package org.libphs;

/**
 * A libphs failure: the library's status code and message and, where they
 * apply, the rule file, line and column ({@link SpecException}) or the
 * resident field ({@link RecordException}, {@link NotFoundException}).
 *
 * <p>Unchecked, like {@link IllegalArgumentException}: a broken rule set or
 * a bad record is a caller's error to report, not a condition every call
 * site must handle.
 */
public class PhsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The status codes of {@code phs.h} ({@code phs_status}). */
  public enum Status {
    ERROR(-1), OUT_OF_MEMORY(-2), INVALID_ARGUMENT(-3), IO(-4), SPEC(-5), RECORD(-6),
    NOT_FOUND(-7), LIMIT(-8), EOF(-9);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    /** The C status code (negative). */
    public int code() {
      return code;
    }

    /** The status of a C code; {@link #ERROR} for an unknown one. */
    public static Status of(int code) {
      for (Status s : values()) {
        if (s.code == code) {
          return s;
        }
      }
      return ERROR;
    }
  }

  private final int code;
  private final String file;
  private final int line;
  private final int column;
  private final String field;

  protected PhsException(int code, String message, String file, int line, int column,
      String field) {
    super(message);
    this.code = code;
    this.file = file;
    this.line = line;
    this.column = column;
    this.field = field;
  }

  /** Called by the JNI layer: the exception class for {@code code}. */
  static PhsException of(int code, String message, String file, int line, int column,
      String field) {
    switch (Status.of(code)) {
      case SPEC:
        return new SpecException(code, message, file, line, column, field);
      case RECORD:
        return new RecordException(code, message, file, line, column, field);
      case NOT_FOUND:
        return new NotFoundException(code, message, file, line, column, field);
      default:
        return new PhsException(code, message, file, line, column, field);
    }
  }

  /** The C status code ({@code PHS_ESPEC} = -5, ...). */
  public int getCode() {
    return code;
  }

  public Status getStatus() {
    return Status.of(code);
  }

  /** The rule file the error is in, or null. */
  public String getFile() {
    return file;
  }

  /** 1-based line in {@link #getFile()}, or 0. */
  public int getLine() {
    return line;
  }

  /** 1-based column in {@link #getFile()}, or 0. */
  public int getColumn() {
    return column;
  }

  /** The resident field the error is about, or null. */
  public String getField() {
    return field;
  }
}
