package dev.floe.scan.oracle;

import org.junit.jupiter.api.Disabled;

/**
 * The v3 table: ORC data (several stripes), deletion vectors in Puffin files. The same rows as the
 * v2 table. Disabled while Floe cannot read ORC ({@link V3OrcDvPlanningTest#orcIsNotReadableYet}
 * fails when it can): then delete this annotation and that test.
 */
@Disabled("ORC reader not yet implemented")
class V3OrcDvOracleTest extends OracleTableTest {
  @Override
  String tableName() {
    return "v3_orc_dv";
  }
}
