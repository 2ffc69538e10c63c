"""plan_splits / read_split: the splits of a scan, read one by one, give the scan's rows."""

from __future__ import annotations

import pytest

import floe


def _rows(table: "pa.Table") -> list:  # noqa: F821
    return sorted(table.to_pylist(), key=lambda row: row["id"])


def test_splits_together_hold_every_row_of_the_scan_once(warehouse, oracle, no_leaks):
    cases = [
        (warehouse.load("db.deletes"), ["id", "name"], None),
        (warehouse.load("db.one_file"), ["id", "s"], "v < 500000"),
        (oracle.load("v3_orc_dv"), ["id", "name"], "category = 'beta' OR name IS NULL"),
    ]
    for table, columns, condition in cases:
        splits = floe.plan_splits(table, 16 * 1024, select=columns, filter=condition)
        assert len(splits) >= 2 and all(isinstance(split, str) for split in splits)
        read = []
        for split in splits:
            read.extend(floe.read_split(table, split, batch_size=333).read_all().to_pylist())
        expected = floe.scan(table, select=columns, filter=condition).read_all()
        assert sorted(read, key=lambda row: row["id"]) == _rows(expected)


def test_a_one_file_table_splits_at_its_row_groups(warehouse, no_leaks):
    splits = floe.plan_splits(warehouse.load("db.one_file"), 1)
    assert len(splits) >= 8


def test_splits_carry_the_snapshot(warehouse, no_leaks):
    table = warehouse.load("db.deletes")
    splits = floe.plan_splits(table, 1 << 30, snapshot_id=table.current_snapshot_id)
    assert sum(floe.read_split(table, s).read_all().num_rows for s in splits) == (
        floe.scan(table).read_all().num_rows
    )


def test_bad_splits_and_targets_are_usage_errors(warehouse, oracle, no_leaks):
    table = warehouse.load("db.deletes")
    with pytest.raises(floe.UsageError, match="Invalid target split size"):
        floe.plan_splits(table, 0)
    with pytest.raises(floe.UsageError, match="Invalid split"):
        floe.read_split(table, "{}")
    split = floe.plan_splits(table, 1 << 30)[0]
    with pytest.raises(floe.UsageError):
        floe.read_split(oracle.load("v2_parquet_posdel"), split)  # another table
    with pytest.raises(floe.UsageError, match="Invalid batch size"):
        floe.read_split(table, split, batch_size=0)
