package dev.floe.scan.oracle;

/**
 * The v3 table: ORC data (several stripes), deletion vectors in Puffin files. The same rows as the
 * v2 table, so the same expected lines.
 */
class TestOracleV3OrcDv extends OracleComparison {
  @Override
  String tableName() {
    return "v3_orc_dv";
  }
}
