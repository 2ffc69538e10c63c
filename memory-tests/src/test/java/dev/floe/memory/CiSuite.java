package dev.floe.memory;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.iceberg.FileFormat;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The CI-sized suite's tables and limits, and the JUnit extension that hands every test class the
 * one {@link MemorySuite} of the run (kept in the root store, so the report written when it closes
 * covers every class).
 *
 * <p>The child heap is 128 MiB; the large tables hold more than three times that in data files. Row
 * groups and stripes are 4 MiB: an ORC stripe's projected streams are read into the heap whole
 * (Parquet is read page by page, whatever the row-group size: {@link
 * TestRssIndependentOfRowGroupSize}).
 */
final class CiSuite implements ParameterResolver {
  static final long MIB = 1024 * 1024;

  /** Streaming and materializing alike run under these (heap pre-touched, see JvmLimits). */
  static final JvmLimits LIMITS = JvmLimits.preTouchedMib(128, 128, 96);

  static final int BATCH = 10_000;

  /**
   * What a streamed read may add to the RSS of a JVM that only loaded and planned the table (same
   * flags, heap pre-touched): the Arrow allocator's limit. Measured: 25 to 50 MiB (reader classes,
   * JIT code, codec buffers and a 10K-row batch). Anything that grew with the table would blow it.
   */
  static final long STREAMING_ALLOWANCE = 96 * MIB;

  static final long ROW_GROUP_BYTES = 4 * MIB;

  /** Enough rows for >= 3 x 128 MiB of Parquet (~37 B/row) and of ORC (~41 B/row). */
  static final long LARGE_ROWS = 11_000_000;

  static final long QUARTER_ROWS = LARGE_ROWS / 4;

  static TableSpec large(FileFormat format) {
    return new TableSpec(format, LARGE_ROWS, ROW_GROUP_BYTES, 2);
  }

  static TableSpec quarter(FileFormat format) {
    return new TableSpec(format, QUARTER_ROWS, ROW_GROUP_BYTES, 2);
  }

  static final long SMALL_ROWS = 200_000;

  /** ORC with a 4 KiB stripe target: the writer cuts a stripe at every 100-row check. */
  static final TableSpec TINY_STRIPES_ORC = TableSpec.orc(SMALL_ROWS, 4 * 1024);

  /** Parquet with 64 KiB row groups (~1,700 rows each) and deletion vectors. */
  static final TableSpec SMALL_ROW_GROUPS_PARQUET_V3 =
      TableSpec.parquet(SMALL_ROWS, 64 * 1024).withFormatVersion(3);

  /** ORC with 1 MiB stripes and deletion vectors. */
  static final TableSpec ORC_V3 = TableSpec.orc(SMALL_ROWS, MIB).withFormatVersion(3);

  /** The peak RSS a streamed read must stay under: the baseline JVM's plus the allowance. */
  static long rssBudget(MemorySuite suite) {
    RunResult baseline = suite.run(suite.table(ORC_V3), ReadMode.BASELINE, 1, LIMITS);
    if (baseline.status() != RunResult.Status.COMPLETED) {
      throw new IllegalStateException("Cannot measure the JVM baseline: " + baseline.describe());
    }
    return baseline.peakRssBytes() + STREAMING_ALLOWANCE;
  }

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(CiSuite.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MemorySuite.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("suite", key -> new Resource(open()), Resource.class)
        .suite();
  }

  private static MemorySuite open() {
    return new MemorySuite(
        TableCache.configuredDir(Path.of("target", "tables")),
        MemorySuite.reportsRoot(),
        Duration.ofMinutes(10),
        "Floe memory, CI-sized: streaming vs materializing under " + LIMITS,
        BATCH,
        0,
        "");
  }

  /** Closes the suite (writing the report) when the root context closes. */
  private record Resource(MemorySuite suite) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      suite.close();
    }
  }
}
