package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.FileFormat;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Four times the table, same row groups and batch size: streaming peak RSS stays put (< +10%). */
@ExtendWith(CiSuite.class)
final class TestStreamingRssIndependentOfTableSize {

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void peakRssGrowsLessThanTenPercentForFourTimesTheTable(FileFormat format, MemorySuite suite) {
    CachedTable quarter = suite.table(CiSuite.quarter(format));
    CachedTable large = suite.table(CiSuite.large(format));
    assertThat(large.dataBytes()).isGreaterThanOrEqualTo(4 * quarter.dataBytes() * 95 / 100);

    RunResult small = suite.run(quarter, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);
    RunResult big = suite.run(large, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);

    assertThat(small.status()).as(small.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(big.status()).as(big.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(small.rows()).isEqualTo(quarter.metadataRows());
    assertThat(big.rows()).isEqualTo(large.metadataRows());
    assertThat((double) big.peakRssBytes() / small.peakRssBytes())
        .as("%s%nvs%n%s", big.describe(), small.describe())
        .isLessThan(1.10);
  }
}
