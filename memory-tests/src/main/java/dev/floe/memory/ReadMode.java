package dev.floe.memory;

/** How a child JVM reads a table: Floe's stream, or one of the materializing baselines. */
public enum ReadMode {
  /** Floe's {@code DataScan.toRecordBatches}: one reused batch, consumed and dropped. */
  FLOE_STREAMING("Floe streaming"),
  /**
   * Floe's stream with ordered {@code parallelism(}{@value TableReads#PARALLEL_THREADS}{@code )}
   * and {@code maxBufferedBytes(}{@value TableReads#PARALLEL_BUDGET_BYTES}{@code )}: the consumer
   * checksums each batch after a short pause, so the workers decode ahead up to the budget.
   */
  FLOE_ORDERED_PARALLEL("Floe ordered parallelism(4), 64 MiB ahead"),
  /** Every row of {@code IcebergGenerics.read(table)} collected into a {@code List<Record>}. */
  GENERICS_LIST("IcebergGenerics rows in a List"),
  /** Every Arrow batch of a scan transferred out of the stream and kept until the end. */
  ARROW_BATCHES_KEPT("Arrow batches kept"),
  /** Loads the table and walks its plan without reading data: the JVM's baseline RSS. */
  BASELINE("JVM baseline (plan only)");

  private final String label;

  ReadMode(String label) {
    this.label = label;
  }

  /** A short human name for reports and plots. */
  public String label() {
    return label;
  }

  /** Whether this mode keeps every row in memory, as today's "read it all" APIs do. */
  public boolean materializes() {
    return this == GENERICS_LIST || this == ARROW_BATCHES_KEPT;
  }
}
