package dev.floe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a test class: local mode, two executor threads, nothing listening out. */
final class LocalSpark {
  private LocalSpark() {}

  static SparkSession start(Class<?> testClass) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(testClass.getSimpleName())
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        // Rows hand out java.time values (Instant, LocalDate, LocalDateTime)
        .config("spark.sql.datetime.java8API.enabled", "true")
        .getOrCreate();
  }

  /**
   * Every partition read in this JVM (driver and local executors alike) has closed its allocator.
   * Waits a little: tasks of a failed job may still be ending.
   */
  static void assertAllocatorsClosed() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (SplitBatches.openInThisJvm() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(SplitBatches.openInThisJvm()).as("partitions with an open allocator").isZero();
  }

  static JavaSparkContext context(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }
}
