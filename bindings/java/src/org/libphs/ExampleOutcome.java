package org.libphs;

/**
 * One embedded example of a spec, run by the C library.
 *
 * @param failure null when the example passed, else what differed
 */
public record ExampleOutcome(String program, String example, String failure) {
  public boolean passed() {
    return failure == null;
  }
}
