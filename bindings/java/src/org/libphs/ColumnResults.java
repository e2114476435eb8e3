package org.libphs;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link Engine#classifyColumns}: per resident and program, the tier, the next
 * due date and the flags, as compact arrays (index {@code row * programs().size() + p}) with
 * typed accessors.
 */
public final class ColumnResults {
  static final int NOT_ENROLLED = -1;
  static final int INSUFFICIENT_DATA = -2;
  static final int UNCLASSIFIED = -3;
  static final int ERROR = -4;

  private final List<Program> programs;
  private final List<List<List<String>>> versionTiers;
  private final List<List<List<String>>> versionFlags;
  private final byte[] version;
  private final int size;
  private final short[] tier;
  private final int[] nextDue;
  private final long[] flags;
  private final int[] status;

  ColumnResults(List<Program> programs, List<List<List<String>>> versionTiers,
      List<List<List<String>>> versionFlags, int size, short[] tier, int[] nextDue, long[] flags,
      int[] status, byte[] version) {
    this.programs = programs;
    this.versionTiers = versionTiers;
    this.versionFlags = versionFlags;
    this.version = version;
    this.size = size;
    this.tier = tier;
    this.nextDue = nextDue;
    this.flags = flags;
    this.status = status;
  }

  /** Number of residents. */
  public int size() {
    return size;
  }

  public List<Program> programs() {
    return programs;
  }

  private int k(int row, int p) {
    if (row < 0 || row >= size || p < 0 || p >= programs.size()) {
      throw new IndexOutOfBoundsException("row " + row + ", program " + p);
    }
    return row * programs.size() + p;
  }

  private int index(String program) {
    for (Program p : programs) {
      if (p.id().equals(program)) {
        return p.index();
      }
    }
    throw NotFoundException.unknown("program", program, null);
  }

  /** Whether resident {@code row} was classified (false: a value was refused). */
  public boolean ok(int row) {
    return status[row] == 0;
  }

  /** The C status of resident {@code row} (0, or PHS_ERECORD = -6). */
  public int status(int row) {
    return status[row];
  }

  public Outcome outcome(int row, int p) {
    int t = tier[k(row, p)];
    return t >= 0 ? Outcome.TIERED
        : t == INSUFFICIENT_DATA ? Outcome.INSUFFICIENT_DATA
        : t == UNCLASSIFIED ? Outcome.UNCLASSIFIED : Outcome.NOT_ENROLLED;
  }

  /** The tier id, "insufficient_data", "unclassified", or null (not enrolled, refused). */
  /** Index of the version of program p (effective dates) resident {@code row} was classified
   * with; 0 when the program has one. */
  public int version(int row, int p) {
    return version == null ? 0 : version[k(row, p)];
  }

  public String tier(int row, int p) {
    int t = tier[k(row, p)];
    if (t >= 0) {
      return versionTiers.get(p).get(version(row, p)).get(t);
    }
    return t == INSUFFICIENT_DATA ? "insufficient_data"
        : t == UNCLASSIFIED ? "unclassified" : null;
  }

  public String tier(int row, String program) {
    return tier(row, index(program));
  }

  /** The next follow-up's due date, or null. */
  public LocalDate nextDue(int row, int p) {
    int d = nextDue[k(row, p)];
    return d == Integer.MIN_VALUE ? null : LocalDate.ofEpochDay(d);
  }

  public LocalDate nextDue(int row, String program) {
    return nextDue(row, index(program));
  }

  /** The raised flags' mask (bit i = flag i of the program version used, see
   * {@link #version(int, int)}; of {@code programs().get(p).flags()} for a program with one). */
  public long flagMask(int row, int p) {
    return flags[k(row, p)];
  }

  /** The raised flags' ids. */
  public List<String> flags(int row, int p) {
    long m = flags[k(row, p)];
    List<String> ids = versionFlags.get(p).get(version(row, p));
    List<String> out = new ArrayList<>(Long.bitCount(m));
    for (int b = 0; b < ids.size() && m != 0; b++, m >>>= 1) {
      if ((m & 1) != 0) {
        out.add(ids.get(b));
      }
    }
    return Collections.unmodifiableList(out);
  }

  public List<String> flags(int row, String program) {
    return flags(row, index(program));
  }

  /** Residents per tier of one program (null key: not enrolled or refused). */
  public Map<String, Integer> tierCounts(String program) {
    int p = index(program);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int row = 0; row < size; row++) {
      counts.merge(tier(row, p), 1, Integer::sum);
    }
    return counts;
  }

  /** The raw outputs of {@code phs_classify_columns} (shared, not copied). */
  public short[] tierIndexes() {
    return tier;
  }

  public int[] nextDueDays() {
    return nextDue;
  }

  public long[] flagMasks() {
    return flags;
  }

  public int[] statuses() {
    return status;
  }
}
