package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.FloeException;
import dev.floe.scan.DataScan;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;

/** What can be checked of the v3 ORC table while Floe cannot read ORC. */
class V3OrcDvPlanningTest {
  @Test
  void scanTasksMatchWhatSparkPlanned() {
    Oracle oracle = Oracle.load("v3_orc_dv");
    ScanTasks.assertPlannedLikeSpark(oracle, oracle.table());
  }

  /**
   * A tripwire: when ORC reading lands this fails. Then delete it and the {@code @Disabled} of
   * {@link V3OrcDvOracleTest}, which checks every row of this table.
   */
  @Test
  void orcIsNotReadableYet() {
    Table table = Oracle.load("v3_orc_dv").table();
    assertThatThrownBy(() -> FloeLines.count(DataScan.of(table), 1000))
        .isInstanceOf(FloeException.class)
        .rootCause()
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("ORC");
  }
}
