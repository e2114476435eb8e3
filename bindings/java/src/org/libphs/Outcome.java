package org.libphs;

/** What a program decided for a resident ({@code phs_outcome}). */
public enum Outcome {
  /** The program does not cover the resident. */
  NOT_ENROLLED,
  /** A tier was decided. */
  TIERED,
  /** A needed field is missing ({@link ProgramResult#missing()}). */
  INSUFFICIENT_DATA,
  /** Enrolled, but no tier's condition held: a gap in the rules. */
  UNCLASSIFIED;

  static Outcome of(int code) {
    switch (code) {
      case 1:
        return TIERED;
      case 2:
        return INSUFFICIENT_DATA;
      case 3:
        return UNCLASSIFIED;
      default:
        return NOT_ENROLLED;
    }
  }
}
