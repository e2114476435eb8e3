package org.libphs;

import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A loaded rule set, ready to classify residents. Thread-safe: one engine may serve any number
 * of threads.
 *
 * <pre>{@code
 * try (Engine engine = Engine.load()) {              // the bundled rules
 *   Result r = engine.classify(Map.of("age", 58, "visit_date", "2024-06-01",
 *       "diagnoses", List.of("I10"), "sbp", 176, "dbp", 108));
 *   System.out.println(r.program("hypertension").tier());
 * }
 * }</pre>
 *
 * <p>A resident is a {@code Map<String, ?>} of field names to values: {@link Number}s,
 * {@link Boolean}s, {@link LocalDate}s or "YYYY-MM-DD", Strings (enum values, ids), and
 * collections of code Strings (or "I10;E11"); null is absent. An unknown field throws
 * {@link NotFoundException}, a bad value {@link RecordException}, both naming the field; a
 * broken spec throws {@link SpecException} with file, line and column.
 *
 * <p>{@link #close()} frees the native rule set (an engine never closed is freed when it is
 * garbage collected).
 */
public final class Engine implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  /** Loading limits ({@code phs_limit}). */
  public enum Limit {
    FILE_BYTES, YAML_DEPTH, YAML_NODES, EXPR_DEPTH, REGEX_MATCH
  }

  /** Native scratch for one classification at a time: a record and a result. */
  private static final class Scratch {
    final NativeRecord rec;
    final NativeResult res;

    Scratch(NativeRuleset rs) {
      rec = new NativeRecord(rs);
      res = new NativeResult(rs);
    }

    void close() {
      rec.close();
      res.close();
    }
  }

  /** What the Cleaner frees; holds no reference to the Engine. */
  private static final class State implements Runnable {
    final NativeRuleset rs;
    final ConcurrentLinkedQueue<Scratch> pool = new ConcurrentLinkedQueue<>();

    State(NativeRuleset rs) {
      this.rs = rs;
    }

    @Override
    public void run() {
      Scratch s;
      while ((s = pool.poll()) != null) {
        s.close();
      }
      rs.close();
    }
  }

  private final State state;
  private final Cleaner.Cleanable cleanable;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;
  private final String rulesDir;
  private final String fingerprint;
  private final List<Program> programs;
  private final Map<String, Field> fields;
  private final int visitField;
  /** Per program, per version (effective dates): tier ids and flag ids. A columnar result's
   * tier index and flag mask index the version used. */
  private final List<List<List<String>>> versionTiers;
  private final List<List<List<String>>> versionFlags;

  private Engine(String dir, Map<String, String> params, Map<Limit, Long> limits) {
    NativeRuleset rs;
    if (params.isEmpty() && limits.isEmpty()) {
      rs = new NativeRuleset(dir, null);
    } else {
      try (NativeOptions opts = new NativeOptions()) {
        for (Map.Entry<String, String> e : params.entrySet()) {
          opts.setParam(e.getKey(), e.getValue());
        }
        for (Map.Entry<Limit, Long> e : limits.entrySet()) {
          opts.setLimit(e.getKey().ordinal(), e.getValue().intValue());
        }
        rs = new NativeRuleset(dir, opts);
      }
    }
    this.state = new State(rs);
    this.cleanable = CLEANER.register(this, state);
    this.rulesDir = dir;
    this.fingerprint = rs.fingerprint();
    List<Program> progs = new ArrayList<>();
    for (int p = 0; p < rs.programCount(); p++) {
      List<String> tiers = new ArrayList<>();
      for (int t = 0; t < rs.tierCount(p); t++) {
        tiers.add(rs.tierId(p, t));
      }
      List<String> flags = new ArrayList<>();
      for (int f = 0; f < rs.flagCount(p); f++) {
        flags.add(rs.flagId(p, f));
      }
      progs.add(new Program(p, rs.programId(p), rs.programVersion(p), rs.programStatus(p),
          rs.programTitle(p, "zh"), rs.programTitle(p, "en"), List.copyOf(tiers),
          List.copyOf(flags)));
    }
    this.programs = List.copyOf(progs);
    List<List<List<String>>> vt = new ArrayList<>();
    List<List<List<String>>> vf = new ArrayList<>();
    for (int p = 0; p < progs.size(); p++) {
      List<List<String>> tiers = new ArrayList<>();
      List<List<String>> flags = new ArrayList<>();
      int nv = Math.max(1, rs.versionCount(p));
      for (int v = 0; v < nv; v++) {
        if (nv == 1) {
          tiers.add(progs.get(p).tiers());
          flags.add(progs.get(p).flags());
          break;
        }
        List<String> t = new ArrayList<>();
        for (int i = 0; i < rs.versionTierCount(p, v); i++) {
          t.add(rs.versionTierId(p, v, i));
        }
        List<String> f = new ArrayList<>();
        for (int i = 0; i < rs.versionFlagCount(p, v); i++) {
          f.add(rs.versionFlagId(p, v, i));
        }
        tiers.add(List.copyOf(t));
        flags.add(List.copyOf(f));
      }
      vt.add(List.copyOf(tiers));
      vf.add(List.copyOf(flags));
    }
    this.versionTiers = List.copyOf(vt);
    this.versionFlags = List.copyOf(vf);
    Map<String, Field> fs = new LinkedHashMap<>();
    for (int i = 0; i < rs.fieldCount(); i++) {
      fs.put(rs.fieldName(i), new Field(i, rs.fieldName(i), FieldType.of(rs.fieldType(i))));
    }
    this.fields = Collections.unmodifiableMap(fs);
    Field visit = fs.get("visit_date");
    this.visitField = visit != null && visit.type() == FieldType.DATE ? visit.id() : -1;
  }

  /** Loads the bundled rules ({@link #defaultRulesDir()}). */
  public static Engine load() {
    return builder().build();
  }

  /** Loads every spec of a rule directory. */
  public static Engine load(Path rules) {
    return builder().rules(rules).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for loading: the rule directory, parameter overrides, limits. */
  public static final class Builder {
    private Path rules;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<Limit, Long> limits = new LinkedHashMap<>();

    private Builder() {}

    /** The rule directory (default: {@link Engine#defaultRulesDir()}). */
    public Builder rules(Path dir) {
      this.rules = dir;
      return this;
    }

    /**
     * Overrides a policy parameter, "program.name" = value as written in YAML (e.g.
     * "hypertension.bp_target_profile", "guideline_2025").
     */
    public Builder param(String name, String value) {
      params.put(name, value);
      return this;
    }

    public Builder limit(Limit limit, long value) {
      limits.put(limit, value);
      return this;
    }

    /** Loads the rules; throws {@link SpecException} (with position) for a broken spec. */
    public Engine build() {
      return new Engine(
          (rules != null ? rules : defaultRulesDir()).toString(), params, limits);
    }
  }

  /**
   * The rules {@link #load()} uses: the system property {@code org.libphs.rules}, else the
   * library's default (the environment variable PHS_RULES_DIR, else the installed rules, else
   * the source tree's when run from a build directory).
   */
  public static Path defaultRulesDir() {
    String prop = System.getProperty("org.libphs.rules");
    return Paths.get(prop != null && !prop.isEmpty() ? prop : PhsCore.rulesDirDefault());
  }

  /** The linked libphs version, "X.Y.Z". */
  public static String libraryVersion() {
    return PhsCore.version();
  }

  /** Frees the native rule set; later calls throw IllegalStateException. Idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closed = true;
      cleanable.clean();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void enter() {
    lock.readLock().lock();
    if (closed) {
      lock.readLock().unlock();
      throw new IllegalStateException("the engine is closed");
    }
  }

  private void leave() {
    lock.readLock().unlock();
  }

  public String rulesDir() {
    return rulesDir;
  }

  /** The rule set's fingerprint, "sha256:..." */
  public String fingerprint() {
    return fingerprint;
  }

  /** The programs, in rule-set order. */
  public List<Program> programs() {
    return programs;
  }

  /** The field dictionary, by name. */
  public Map<String, Field> fields() {
    return fields;
  }

  /** Runs every example embedded in the specs ({@code phs test}); see {@link #test}. */
  public List<ExampleOutcome> runExamples() {
    List<ExampleOutcome> out = new ArrayList<>();
    for (Finding f : test(null).findings()) {
      out.add(new ExampleOutcome(f.program(), f.exampleId(),
          f.kind().equals("example_failed") ? f.message() : null));
    }
    return out;
  }

  // ---------------------------------------------------- regulator analyses

  private static int day(LocalDate d) {
    return d == null ? Integer.MIN_VALUE : Math.toIntExact(d.toEpochDay());
  }

  private Report report(java.util.function.Supplier<NativeReport> run) {
    enter();
    try (NativeReport r = run.get()) {
      return Report.of(r);
    } finally {
      leave();
    }
  }

  /**
   * Verifies every program version ({@code phs verify}): gaps, dead tiers, dead flags,
   * insufficient data, each with a counterexample resident.
   *
   * @param asOf the visit date of the checked cells (required: there is no default)
   * @param program only this program, or null
   * @param maxCells cells checked before sampling (0: the library's default)
   * @param seed seed of the sample (0: the library's default)
   */
  public Report verify(LocalDate asOf, String program, int maxCells, long seed) {
    if (asOf == null) {
      throw new IllegalArgumentException("verify: asOf is required");
    }
    return report(() -> state.rs.verify(program, day(asOf), maxCells, seed));
  }

  /** {@link #verify(LocalDate, String, int, long)} of every program with the defaults. */
  public Report verify(LocalDate asOf) {
    return verify(asOf, null, 0, 0);
  }

  /**
   * Compares this rule set (old) with {@code newer} ({@code phs diff}).
   *
   * @param population a file of residents (CSV, NDJSON, JSON/YAML array), or null to compare
   *     the input spaces
   * @param asOf with a population, the visit date of residents without one (a resident without
   *     one and no asOf throws); without, the visit date of the compared cells (required)
   * @param program only this program, or null
   * @param maxExamples example ids kept per changed cell (0: 5)
   */
  public Report diff(Engine newer, Path population, LocalDate asOf, String program,
      int maxCells, long seed, int maxExamples) {
    String pop = population == null ? null : population.toString();
    newer.enter();
    try {
      return report(() -> state.rs.diff(newer.state.rs, pop, program, day(asOf), maxCells, seed,
          maxExamples));
    } finally {
      newer.leave();
    }
  }

  /** {@link #diff(Engine, Path, LocalDate, String, int, long, int)} with the defaults. */
  public Report diff(Engine newer, Path population, LocalDate asOf) {
    return diff(newer, population, asOf, null, 0, 0, 0);
  }

  /** What the embedded examples exercise ({@code phs test --coverage}); program may be null. */
  public Report coverage(String program) {
    return report(() -> state.rs.coverage(program, Integer.MIN_VALUE));
  }

  /** Runs the embedded examples ({@code phs test}), one finding each; program may be null. */
  public Report test(String program) {
    return report(() -> state.rs.testReport(program));
  }

  /** The checks before sign-off ({@code phs check --strict}). */
  public Report checkStrict() {
    return report(() -> state.rs.checkStrict());
  }

  /** Classifies one resident. */
  public Result classify(Map<String, ?> resident) {
    return classify(resident, null);
  }

  /** Classifies one resident; {@code asOf} is the visit date when it gives no visit_date. */
  public Result classify(Map<String, ?> resident, LocalDate asOf) {
    return classify(resident, asOf, false);
  }

  /**
   * Classifies one resident; {@code asOf} (may be null) is the visit date when it gives no
   * visit_date; with {@code ndjson}, the result also carries the library's JSON line
   * ({@link Result#ndjson()}).
   */
  public Result classify(Map<String, ?> resident, LocalDate asOf, boolean ndjson) {
    enter();
    Scratch s = state.pool.poll();
    try {
      if (s == null) {
        s = new Scratch(state.rs);
      }
      fill(s.rec, resident);
      if (asOf != null && visitField >= 0 && s.rec.has(visitField) == 0) {
        s.rec.setDate(visitField, Math.toIntExact(asOf.toEpochDay()));
      }
      state.rs.classify(s.rec, s.res);
      return result(s.res, ndjson);
    } finally {
      if (s != null) {
        state.pool.offer(s);
      }
      leave();
    }
  }

  /** Classifies each resident, in order. */
  public List<Result> classifyAll(Iterable<? extends Map<String, ?>> residents) {
    return classifyAll(residents, null);
  }

  public List<Result> classifyAll(Iterable<? extends Map<String, ?>> residents,
      LocalDate asOf) {
    List<Result> out = new ArrayList<>();
    for (Map<String, ?> r : residents) {
      out.add(classify(r, asOf));
    }
    return out;
  }

  /**
   * Classifies residents given as columns in one native call ({@code phs_classify_columns}).
   * Refused residents do not stop the batch: see {@link ColumnResults#ok(int)}.
   */
  public ColumnResults classifyColumns(Columns columns) {
    int n = columns.size;
    int nc = columns.names.size();
    int[] ids = new int[nc];
    Object[] values = new Object[nc];
    Object[] tables = new Object[nc];
    for (int c = 0; c < nc; c++) {
      String name = columns.names.get(c);
      Field f = field(name);
      Object v = columns.values.get(c);
      boolean ok;
      switch (f.type()) {
        case NUMBER:
          ok = v instanceof double[];
          break;
        case BOOL:
          ok = v instanceof byte[];
          break;
        case DATE:
          ok = v instanceof int[];
          break;
        default:
          ok = v instanceof String[];
      }
      if (!ok) {
        throw (RecordException) PhsException.of(PhsException.Status.RECORD.code(),
            "column '" + name + "': a " + f.type().name().toLowerCase()
                + " field, not given as one", null, 0, 0, name);
      }
      ids[c] = f.id();
      values[c] = v;
      if (f.type() == FieldType.ENUM || f.type() == FieldType.CODES) {
        // Values repeat: the native side converts each distinct one once.
        Map<String, Integer> index = new java.util.HashMap<>();
        String[] cells = (String[]) v;
        int[] codes = new int[cells.length];
        for (int i = 0; i < cells.length; i++) {
          codes[i] = cells[i] == null ? -1 : index.computeIfAbsent(cells[i], k -> index.size());
        }
        String[] table = new String[index.size()];
        index.forEach((text, k) -> table[k] = text);
        values[c] = codes;
        tables[c] = table;
      }
    }
    int np = programs.size();
    short[] tier = new short[n * np];
    int[] due = new int[n * np];
    long[] flags = new long[n * np];
    int[] status = new int[n];
    byte[] version = null;
    enter();
    try {
      PhsCore.classifyColumns(state.rs, n, ids, values, tables, tier, due, flags, status);
      // The version each resident was classified with, where a program has several.
      int vc = columns.names.indexOf("visit_date");
      int[] visit = vc >= 0 && columns.values.get(vc) instanceof int[] d ? d : null;
      for (int p = 0; p < np; p++) {
        if (versionTiers.get(p).size() < 2) {
          continue;
        }
        if (version == null) {
          version = new byte[n * np];
        }
        Map<Integer, Integer> at = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
          int day = visit != null ? visit[i] : Integer.MIN_VALUE;
          int pp = p;
          version[i * np + p] = (byte) (int) at.computeIfAbsent(day, x -> state.rs.versionAt(pp, x));
        }
      }
    } finally {
      leave();
    }
    return new ColumnResults(programs, versionTiers, versionFlags, n, tier, due, flags, status,
        version);
  }

  // ------------------------------------------------------------------ filling

  private Field field(String name) {
    Field f = fields.get(name);
    if (f == null) {
      throw NotFoundException.unknown("field", name, name);
    }
    return f;
  }

  private static RecordException typeError(Field f, String want, Object v) {
    return (RecordException) PhsException.of(PhsException.Status.RECORD.code(),
        "field '" + f.name() + "': expected " + want + ", got " + v.getClass().getName(), null,
        0, 0, f.name());
  }

  private void fill(NativeRecord rec, Map<String, ?> resident) {
    rec.clear();
    for (Map.Entry<String, ?> e : resident.entrySet()) {
      Field f = field(e.getKey());
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      int id = f.id();
      if (v instanceof String s) {
        if (f.type() == FieldType.STRING || f.type() == FieldType.ENUM) {
          rec.setString(id, s);
        } else {
          rec.setText(id, s);
        }
        continue;
      }
      switch (f.type()) {
        case NUMBER:
          if (!(v instanceof Number num)) {
            throw typeError(f, "a number", v);
          }
          double d = num.doubleValue();
          if (!Double.isNaN(d)) {
            rec.setNumber(id, d);
          }
          break;
        case BOOL:
          if (!(v instanceof Boolean b)) {
            throw typeError(f, "a Boolean", v);
          }
          rec.setBool(id, b);
          break;
        case DATE:
          if (!(v instanceof LocalDate date)) {
            throw typeError(f, "a LocalDate or \"YYYY-MM-DD\"", v);
          }
          rec.setDate(id, Math.toIntExact(date.toEpochDay()));
          break;
        case CODES:
          Collection<?> codes;
          if (v instanceof Collection<?> c) {
            codes = c;
          } else if (v instanceof String[] a) {
            codes = List.of(a);
          } else {
            throw typeError(f, "a collection of codes or \"A;B\"", v);
          }
          rec.setText(id, "");
          for (Object c : codes) {
            if (!(c instanceof String code)) {
              throw typeError(f, "codes as String", c == null ? "null" : c);
            }
            rec.addCode(id, code);
          }
          break;
        case STRING:
          if (v instanceof Integer || v instanceof Long) {
            rec.setString(id, v.toString()); // numeric ids
            break;
          }
          throw typeError(f, "a String", v);
        default:
          throw typeError(f, "a String", v);
      }
    }
  }

  // ------------------------------------------------------------------ results

  /** Days since 1970-01-01 as a date; PHS_DATE_NONE as null. */
  static LocalDate date(int days) {
    return days == Integer.MIN_VALUE ? null : LocalDate.ofEpochDay(days);
  }

  private Result result(NativeResult res, boolean ndjson) {
    Map<String, ProgramResult> out = new LinkedHashMap<>();
    for (int p = 0; p < programs.size(); p++) {
      int n;
      List<String> actions = new ArrayList<>(n = res.actionCount(p));
      for (int i = 0; i < n; i++) {
        actions.add(res.action(p, i));
      }
      List<String> flags = new ArrayList<>(n = res.flagCount(p));
      for (int i = 0; i < n; i++) {
        flags.add(res.flag(p, i));
      }
      List<String> undecided = new ArrayList<>(n = res.undecidedFlagCount(p));
      for (int i = 0; i < n; i++) {
        undecided.add(res.undecidedFlag(p, i));
      }
      List<Reason> reasons = new ArrayList<>(n = res.reasonCount(p));
      for (int i = 0; i < n; i++) {
        int m = res.reasonCiteCount(p, i);
        List<String> cites = new ArrayList<>(m);
        for (int c = 0; c < m; c++) {
          cites.add(res.reasonCite(p, i, c));
        }
        reasons.add(new Reason(res.reason(p, i), List.copyOf(cites)));
      }
      List<String> missing = new ArrayList<>(n = res.missingCount(p));
      for (int i = 0; i < n; i++) {
        missing.add(res.missing(p, i));
      }
      int enrolled = res.enrolled(p);
      String id = programs.get(p).id();
      out.put(id, new ProgramResult(id, Outcome.of(res.outcome(p)),
          enrolled < 0 ? null : enrolled != 0, res.tier(p), res.level(p), res.code(p),
          date(res.nextDue(p)), date(res.earliest(p)), res.interval(p), res.referral(p),
          List.copyOf(actions), List.copyOf(flags), List.copyOf(undecided),
          List.copyOf(reasons), List.copyOf(missing)));
    }
    List<Visit> plan = new ArrayList<>();
    for (int i = 0; i < res.planCount(); i++) {
      List<String> serves = new ArrayList<>();
      for (int p = 0; p < programs.size(); p++) {
        if (res.planServes(i, p)) {
          serves.add(programs.get(p).id());
        }
      }
      plan.add(new Visit(date(res.planDate(i)), List.copyOf(serves)));
    }
    return new Result(res.id(), fingerprint, Collections.unmodifiableMap(out),
        List.copyOf(plan), ndjson ? res.toJson() : null);
  }

  @Override
  public String toString() {
    List<String> ids = new ArrayList<>();
    for (Program p : programs) {
      ids.add(p.id());
    }
    return "Engine[" + rulesDir + ", " + String.join(", ", ids) + (closed ? ", closed]" : "]");
  }
}
