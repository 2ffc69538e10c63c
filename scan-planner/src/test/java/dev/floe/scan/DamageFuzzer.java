package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import dev.floe.FloeException;
import dev.floe.scan.FileRegions.Region;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Damages the files of a fixture table one at a time, in place, and reads the whole table after
 * each damage under a watchdog. Each read must end in one of the allowed {@link Outcome}s: the
 * original rows, a {@link FloeException} that names the table and the damaged file, or — only where
 * the format has no checksum over the damaged bytes — different rows. Every other ending is a
 * defect: a hang, an out-of-memory error, any other error or exception, a leaked buffer, thread or
 * open file, or different rows from checksummed bytes. The undamaged bytes are put back after each
 * read.
 */
final class DamageFuzzer {
  /** A read that takes longer than this has hung. */
  static final Duration WATCHDOG = Duration.ofSeconds(10);

  /** What the stream may allocate: a corrupt length must not get further than this. */
  private static final long ALLOCATOR_LIMIT = 256L << 20;

  /** How a read of a damaged table ended. */
  enum Outcome {
    EXACT_ROWS(true),
    FAILED_NAMING_THE_FILE(true),
    OTHER_ROWS_UNCHECKSUMMED(true),
    OTHER_ROWS_CHECKSUMMED(false),
    UNCLEAR_ERROR(false),
    HANG(false),
    OUT_OF_MEMORY(false),
    CRASH(false),
    /**
     * A file descriptor left open after the read that garbage collection closes (a stream's
     * cleaner): a leak all the same, told apart to say where to look.
     */
    OPEN_UNTIL_GC(false),
    LEAK(false);

    final boolean allowed;

    Outcome(boolean allowed) {
      this.allowed = allowed;
    }
  }

  /** A file of the table that can be damaged, with what it holds. */
  record Target(
      String location, Path path, String content, byte[] original, List<Region> regions) {}

  /** One damaged read and how it ended. */
  record Trial(
      int number, Target target, Damage damage, int parallelism, Outcome outcome, String detail) {
    @Override
    public String toString() {
      return String.format(
          "#%d %s (%s) %s, parallelism %d: %s%s",
          number,
          target.content(),
          target.location(),
          damage,
          parallelism,
          outcome,
          detail == null ? "" : ": " + detail);
    }
  }

  private final Table table;
  private final Path warehouse;
  private final List<Target> targets;
  private final List<String> expected;

  DamageFuzzer(Table table, Path warehouse, List<String> expected) {
    this.table = requireNonNull(table, "table is null");
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.expected = List.copyOf(expected);
    this.targets = targets(table);
  }

  /** The table's undamaged rows, sorted. */
  static List<String> rows(Table table) {
    return Differential.floeRows(DataScan.of(table), 1000);
  }

  List<Target> targets() {
    return targets;
  }

  /**
   * Runs {@code count} damaged reads, numbered from {@code first}; trial n is the same for the same
   * seed and table every time.
   */
  List<Trial> run(long seed, int first, int count) {
    List<Trial> trials = new ArrayList<>();
    List<String> contents = new ArrayList<>(new TreeMap<>(byContent()).keySet());
    for (int n = first; n < first + count; n++) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + n);
      // each kind of file equally often, whatever their numbers
      String content = contents.get(random.nextInt(contents.size()));
      List<Target> ofContent = byContent().get(content);
      Target target = ofContent.get(random.nextInt(ofContent.size()));
      Region region = target.regions().get(random.nextInt(target.regions().size()));
      Damage damage = Damage.random(region, random);
      int parallelism = random.nextInt(3) == 0 ? 3 : 1;
      int batchSize = new int[] {1, 97, 1000, 100_000}[random.nextInt(4)];
      // progress, in the test's output file: the last line names a read that never ends
      System.out.printf(
          "trial %d: %s %s %s, parallelism %d%n",
          n, table.name(), target.content(), damage, parallelism);
      Trial trial = trial(n, target, damage, parallelism, batchSize);
      System.out.printf("  -> %s%n", trial.outcome());
      trials.add(trial);
    }
    return trials;
  }

  private TreeMap<String, List<Target>> byContent() {
    TreeMap<String, List<Target>> groups = new TreeMap<>();
    for (Target target : targets) {
      groups.computeIfAbsent(target.content(), key -> new ArrayList<>()).add(target);
    }
    return groups;
  }

  private Trial trial(int number, Target target, Damage damage, int parallelism, int batchSize) {
    byte[] damaged = damage.apply(target.original());
    Map<String, String> openBefore = Leaks.openFilesUnder(warehouse, Map.of());
    write(target.path(), damaged);
    try {
      Ending ending = readUnderWatchdog(parallelism, batchSize);
      return classify(number, target, damage, parallelism, ending, openBefore);
    } finally {
      write(target.path(), target.original());
    }
  }

  /** How one read ended, before classification. */
  private record Ending(
      boolean finished, List<String> rows, Throwable failure, String leak, String stack) {}

  private Ending readUnderWatchdog(int parallelism, int batchSize) {
    AtomicReference<Ending> ending = new AtomicReference<>();
    Thread reader =
        new Thread(() -> ending.set(read(parallelism, batchSize)), "fuzz-read-" + table.name());
    reader.setDaemon(true);
    reader.start();
    try {
      reader.join(WATCHDOG.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while fuzzing", e);
    }
    if (reader.isAlive()) {
      StringBuilder stack = new StringBuilder();
      for (StackTraceElement frame : reader.getStackTrace()) {
        stack.append("\n    at ").append(frame);
      }
      reader.interrupt();
      return new Ending(false, null, null, null, stack.toString());
    }
    return ending.get();
  }

  private Ending read(int parallelism, int batchSize) {
    List<String> rows = new ArrayList<>();
    Throwable failure = null;
    String leak = null;
    BufferAllocator allocator = new RootAllocator(ALLOCATOR_LIMIT);
    try (RecordBatchStream stream =
        DataScan.of(table).parallelism(parallelism).toRecordBatches(batchSize, allocator)) {
      for (VectorSchemaRoot batch : stream) {
        rows.addAll(Rows.fromBatch(batch, stream.icebergSchema()));
      }
    } catch (Throwable e) {
      failure = e;
    }
    try {
      allocator.close();
    } catch (IllegalStateException e) {
      leak = e.getMessage();
    }
    Collections.sort(rows);
    return new Ending(true, rows, failure, leak, null);
  }

  private Trial classify(
      int number,
      Target target,
      Damage damage,
      int parallelism,
      Ending ending,
      Map<String, String> openBefore) {
    if (!ending.finished()) {
      return new Trial(number, target, damage, parallelism, Outcome.HANG, ending.stack());
    }
    String leak = leak(ending, openBefore);
    if (leak != null) {
      boolean releasedByGc = ending.leak() == null && releasedByCollecting(openBefore);
      return new Trial(
          number,
          target,
          damage,
          parallelism,
          releasedByGc ? Outcome.OPEN_UNTIL_GC : Outcome.LEAK,
          leak);
    }
    Throwable failure = ending.failure();
    if (failure == null) {
      if (ending.rows().equals(expected)) {
        return new Trial(number, target, damage, parallelism, Outcome.EXACT_ROWS, null);
      }
      String rows = ending.rows().size() + " rows instead of " + expected.size();
      return new Trial(
          number,
          target,
          damage,
          parallelism,
          damage.region().checksummed()
              ? Outcome.OTHER_ROWS_CHECKSUMMED
              : Outcome.OTHER_ROWS_UNCHECKSUMMED,
          rows);
    }
    String text = describe(failure);
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof OutOfMemoryError || cause instanceof OutOfMemoryException) {
        return new Trial(number, target, damage, parallelism, Outcome.OUT_OF_MEMORY, text);
      }
    }
    if (failure instanceof Error) {
      return new Trial(number, target, damage, parallelism, Outcome.CRASH, text);
    }
    boolean named =
        failure instanceof FloeException
            && failure.getMessage() != null
            && failure.getMessage().contains(table.name())
            && failure.getMessage().contains(target.location());
    return new Trial(
        number,
        target,
        damage,
        parallelism,
        named ? Outcome.FAILED_NAMING_THE_FILE : Outcome.UNCLEAR_ERROR,
        text);
  }

  /** What the read left behind: a buffer, a reader thread or an open table file; else null. */
  private String leak(Ending ending, Map<String, String> openBefore) {
    if (ending.leak() != null) {
      return ending.leak();
    }
    try {
      List<String> left = Leaks.awaitNoneLeft(warehouse, openBefore, 1_000);
      return left.isEmpty() ? null : "left behind: " + left;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Whether what was left open is closed once garbage is collected (a stream's cleaner). */
  private boolean releasedByCollecting(Map<String, String> openBefore) {
    try {
      for (int i = 0; i < 20; i++) {
        System.gc();
        if (Leaks.awaitNoneLeft(warehouse, openBefore, 100).isEmpty()) {
          return true;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder(failure.toString());
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      text.append(" <- ").append(cause);
    }
    if (!(failure instanceof FloeException)) {
      text.append(Arrays.toString(Arrays.copyOf(failure.getStackTrace(), 8)));
    }
    return text.toString();
  }

  private static List<Target> targets(Table table) {
    TreeMap<String, Target> targets = new TreeMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        add(targets, task.file(), "data file");
        for (DeleteFile delete : task.deletes()) {
          add(targets, delete, content(delete));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(targets.values());
  }

  private static String content(DeleteFile delete) {
    if (delete.content() == FileContent.EQUALITY_DELETES) {
      return "equality delete file";
    }
    return delete.format() == FileFormat.PUFFIN ? "deletion vector" : "position delete file";
  }

  private static void add(TreeMap<String, Target> targets, ContentFile<?> file, String content) {
    String location = file.location();
    if (targets.containsKey(location)) {
      return;
    }
    Path path = Path.of(location.replaceFirst("^file:", ""));
    try {
      byte[] original = Files.readAllBytes(path);
      targets.put(
          location, new Target(location, path, content, original, FileRegions.of(path, original)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path path, byte[] bytes) {
    try {
      Files.write(path, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
