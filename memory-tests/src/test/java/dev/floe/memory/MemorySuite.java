package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the memory test classes share: the table cache, the child-JVM launcher, and every run so
 * far. Runs are memoized, so two tests asking for the same read (table, mode, batch size, limits)
 * share one child JVM. The report is rewritten after every run, so a long run that is stopped half
 * way still leaves the figures it has.
 */
final class MemorySuite implements AutoCloseable {
  private final TableCache cache;
  private final ChildJvm jvm;
  private final Path reportDir;
  private final String title;
  private final int referenceBatch;
  private final double limitMib;
  private final String limitLabel;
  private final Map<String, CachedTable> tables = new LinkedHashMap<>();
  private final Map<String, RunResult> runs = new LinkedHashMap<>();

  MemorySuite(
      Path cacheDir,
      Path reportDir,
      Duration childTimeout,
      String title,
      int referenceBatch,
      double limitMib,
      String limitLabel) {
    this.cache = TableCache.open(requireNonNull(cacheDir, "cacheDir is null"));
    this.reportDir = requireNonNull(reportDir, "reportDir is null");
    this.jvm = new ChildJvm(reportDir.resolve("logs"), childTimeout);
    this.title = requireNonNull(title, "title is null");
    this.referenceBatch = referenceBatch;
    this.limitMib = limitMib;
    this.limitLabel = requireNonNull(limitLabel, "limitLabel is null");
  }

  /** The directory reports go to: {@code floe.memory.reports}, else {@code target/...}. */
  static Path reportsRoot() {
    return Path.of(System.getProperty("floe.memory.reports", "target/memory-report"));
  }

  /** The table of {@code spec}, generated on first use. */
  synchronized CachedTable table(TableSpec spec) {
    CachedTable table = cache.get(spec);
    tables.put(spec.identifier(), table);
    return table;
  }

  /** The table of {@code spec} with its IcebergGenerics reference rows and checksum. */
  synchronized CachedTable tableWithReference(TableSpec spec) {
    CachedTable table = cache.getWithReference(spec);
    tables.put(spec.identifier(), table);
    return table;
  }

  /** Reads {@code table} in a child JVM, once per distinct (table, mode, batch, limits). */
  synchronized RunResult run(CachedTable table, ReadMode mode, int batchSize, JvmLimits limits) {
    ReadRequest request =
        new ReadRequest(
            table.warehouse(), table.identifier(), mode, batchSize, limits.allocatorBytes());
    String key = request + " " + limits;
    RunResult result = runs.get(key);
    if (result == null) {
      result = jvm.run(request, limits);
      System.out.println(result.describe());
      runs.put(key, result);
      writeReport();
    }
    return result;
  }

  /** Reads {@code table} in a new child JVM even if the same read ran before; both are reported. */
  synchronized RunResult rerun(CachedTable table, ReadMode mode, int batchSize, JvmLimits limits) {
    ReadRequest request =
        new ReadRequest(
            table.warehouse(), table.identifier(), mode, batchSize, limits.allocatorBytes());
    RunResult result = jvm.run(request, limits);
    System.out.println("(repeated) " + result.describe());
    runs.put(request + " " + limits + " #" + runs.size(), result);
    writeReport();
    return result;
  }

  private void writeReport() {
    new MemoryReport(
            title,
            List.copyOf(tables.values()),
            new ArrayList<>(runs.values()),
            referenceBatch,
            limitMib,
            limitLabel)
        .write(reportDir);
  }

  /** Writes the final report (nothing when no child ran) and releases the table cache. */
  @Override
  public synchronized void close() {
    try {
      if (!runs.isEmpty()) {
        writeReport();
        System.out.println("Memory report: " + reportDir.resolve("memory.md").toAbsolutePath());
      }
    } finally {
      try {
        cache.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close the table cache", e);
      }
    }
  }
}
