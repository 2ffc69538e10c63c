"""floe.ray.read_iceberg on a local Ray (2 CPUs): the dataset holds the Java scan's rows, read by
several tasks, each in its worker's JVM."""

from __future__ import annotations

import hashlib

import pyarrow.compute as pc
import pytest

import floe

ray = pytest.importorskip("ray")
import floe.ray  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _summary(ids, names) -> tuple:
    """Count, id sum and a hash of the (id, name) column pairs in id order."""
    pairs = sorted(zip(ids, names))
    digest = hashlib.sha256(repr(pairs).encode()).hexdigest()
    return len(pairs), sum(ids), digest


def _java_scan(table, condition=None) -> tuple:
    rows = floe.scan(table, select=["id", "name" if "name" in _columns(table) else "s"],
                     filter=condition).read_all()
    return _summary(rows.column(0).to_pylist(), rows.column(1).to_pylist())


def _columns(table) -> str:
    return floe.scan(table, limit=0).schema.names


def _dataset(ds, label_column) -> tuple:
    table = ds.to_arrow_refs()
    import pyarrow as pa

    blocks = pa.concat_tables(ray.get(table))
    return _summary(blocks.column("id").to_pylist(), blocks.column(label_column).to_pylist())


def test_a_multi_file_table_with_deletes_reads_as_the_java_scan(local_ray, warehouse):
    table = warehouse.load("db.deletes")
    ds = floe.ray.read_iceberg(
        "db.deletes", select=["id", "name"], catalog=warehouse.catalog,
        target_split_bytes=32 * 1024, batch_size=1000,
    )
    assert len(floe.plan_splits(table, 32 * 1024)) >= 2
    expected = _java_scan(table)
    read = ds.materialize()
    assert read.count() == expected[0]
    assert read.sum("id") == expected[1]
    assert _dataset(read, "name") == expected


def test_a_one_file_table_reads_in_several_tasks(local_ray, warehouse):
    table = warehouse.load("db.one_file")
    target = 16 * 1024
    assert len(floe.plan_splits(table, target)) >= 8
    ds = floe.ray.read_iceberg(
        "db.one_file", select=["id", "s"], catalog=warehouse.catalog,
        target_split_bytes=target, batch_size=2000,
    )
    assert _dataset(ds, "s") == _java_scan(table)


def test_the_filter_and_snapshot_go_to_every_task(local_ray, oracle):
    table = oracle.load("v2_parquet_posdel")
    condition = "qty < 50 AND note IS NULL"
    ds = floe.ray.read_iceberg(
        table, select=["id", "name"], filter=condition,
        snapshot_id=table.current_snapshot_id, target_split_bytes=64 * 1024,
    )
    assert _dataset(ds, "name") == _java_scan(table, condition)


def test_bad_options_fail_on_the_driver(local_ray, warehouse):
    with pytest.raises(floe.UsageError, match="unknown column"):
        floe.ray.read_iceberg("db.deletes", filter="nope = 1", catalog=warehouse.catalog)
