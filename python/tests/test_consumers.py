"""DuckDB, Polars and pandas take a floe reader through __arrow_c_stream__ and agree with the
Java scan; batches kept by pyarrow stay as they were read."""

from __future__ import annotations

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import floe


def _java_totals(table, columns=("id", "qty")):
    """Count and sums of the scan, computed batch by batch (no batch kept)."""
    count, sums = 0, {column: 0 for column in columns}
    for batch in floe.scan(table, select=list(columns), batch_size=997):
        count += batch.num_rows
        for column in columns:
            sums[column] += pc.sum(batch.column(column)).as_py() or 0
    return count, sums


def test_the_reader_has_the_c_stream_capsule(warehouse, no_leaks):
    reader = floe.scan(warehouse.load("db.deletes"))
    assert isinstance(reader, pa.RecordBatchReader)
    assert hasattr(reader, "__arrow_c_stream__")
    reader.close()


@pytest.fixture
def duck():
    """A DuckDB connection of the test's own: DuckDB keeps the stream of a connection's last query
    (and so the Java scan) until its next query or until it is closed."""
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_duckdb_sums_equal_the_java_scan(warehouse, oracle, duck, no_leaks):
    for table in (warehouse.load("db.deletes"), oracle.load("v3_orc_dv")):
        count, sums = _java_totals(table)
        reader = floe.scan(table, select=["id", "qty"], batch_size=1000)
        result = duck.sql("SELECT count(*), sum(id), sum(qty) FROM reader").fetchone()
        assert result == (count, sums["id"], sums["qty"])
        del reader


def test_duckdb_applies_its_own_where_on_top_of_floe_filter(warehouse, duck, no_leaks):
    table = warehouse.load("db.deletes")
    reader = floe.scan(table, select=["id", "category"], filter="category = 'beta'")
    result = duck.sql("SELECT count(*), min(category), max(category) FROM reader").fetchone()
    expected = floe.scan(table, select=["id"], filter="category = 'beta'").read_all().num_rows
    assert result == (expected, "beta", "beta")
    del reader


def test_polars_from_arrow_equals_the_java_scan(warehouse, no_leaks):
    table = warehouse.load("db.deletes")
    count, sums = _java_totals(table)
    frame = pl.from_arrow(floe.scan(table, select=["id", "qty"], batch_size=1000))
    assert frame.height == count
    assert frame["id"].sum() == sums["id"]
    assert frame["qty"].sum() == sums["qty"]
    del frame


def test_pandas_reads_the_reader(warehouse, no_leaks):
    table = warehouse.load("db.deletes")
    count, sums = _java_totals(table)
    frame = floe.scan(table, select=["id", "qty"]).read_pandas()
    assert len(frame) == count
    assert int(frame["id"].sum()) == sums["id"]
    del frame


def test_read_all_keeps_every_batch_as_it_was_read(warehouse, no_leaks):
    """Batches kept by a C-stream consumer are not overwritten by the batches after them."""
    table = warehouse.load("db.deletes")
    for batch_size in (1, 7, 10_000):
        seen = []
        for batch in floe.scan(table, filter="id < 3000", batch_size=batch_size):
            seen.extend(batch.to_pylist())  # copied as each batch arrives
        kept = floe.scan(table, filter="id < 3000", batch_size=batch_size).read_all()
        assert kept.num_rows == len(seen) > 0
        assert kept.to_pylist() == seen, batch_size


def test_limit_and_snapshot_are_applied(warehouse, no_leaks):
    table = warehouse.load("db.deletes")
    assert floe.scan(table, limit=123, batch_size=50).read_all().num_rows == 123
    current = floe.scan(table, snapshot_id=table.current_snapshot_id).read_all().num_rows
    assert current == floe.scan(table).read_all().num_rows
