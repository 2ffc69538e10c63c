package dev.floe.scan.oracle;

/** The v2 table: Parquet data, partition-scoped Parquet position deletes, a null partition. */
class TestOracleV2ParquetPosdel extends OracleComparison {
  @Override
  String tableName() {
    return "v2_parquet_posdel";
  }
}
