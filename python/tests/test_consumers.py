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


def test_kept_batches_keep_the_values_they_were_read_with(warehouse, no_leaks):
    """Batches kept by a C-stream consumer are not overwritten by the batches after them."""
    table = warehouse.load("db.deletes")
    for batch_size, condition in ((1, "id < 400"), (7, "id < 3000"), (10_000, None)):
        kept, seen = [], []
        for batch in floe.scan(table, filter=condition, batch_size=batch_size):
            seen.append(batch.to_pylist())  # a copy, as the batch arrives
            kept.append(batch)  # the batch itself, still backed by Floe's buffers
        assert len(kept) > 1
        assert [batch.to_pylist() for batch in kept] == seen, batch_size
        del kept, batch

        # read_all() keeps every batch the same way (plan order may differ between scans)
        every = floe.scan(table, filter=condition, batch_size=batch_size).read_all()
        by_id = sorted((row for rows in seen for row in rows), key=lambda row: row["id"])
        assert every.sort_by("id").to_pylist() == by_id, batch_size


def test_limit_and_snapshot_are_applied(warehouse, no_leaks):
    table = warehouse.load("db.deletes")
    assert floe.scan(table, limit=123, batch_size=50).read_all().num_rows == 123
    current = floe.scan(table, snapshot_id=table.current_snapshot_id).read_all().num_rows
    assert current == floe.scan(table).read_all().num_rows
