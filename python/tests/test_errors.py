"""Bad tables, columns and filters raise floe.FloeError with the floe command's message; read
failures raise ReadError; no Java stack trace reaches Python."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import floe


def _cli_message(*args) -> str:
    """What `floe head` prints for the same mistake, without its 'floe head: ' prefix."""
    launcher = floe.floe_home() / "bin" / "floe"
    done = subprocess.run(
        [str(launcher), "head", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("floe head: ")
    return line[len("floe head: ") :]


@pytest.fixture(scope="module")
def oracle_metadata(oracle):
    meta = oracle.meta("v2_parquet_posdel")["current_metadata_file"]
    prefix = f"/iceberg-oracle/tables={oracle.root / 'tables'}"
    return meta, prefix


def test_bad_column_filter_and_table_raise_the_cli_messages(oracle, oracle_metadata, no_leaks):
    meta, prefix = oracle_metadata
    table = oracle.load("v2_parquet_posdel")
    cases = [
        (lambda: floe.scan(table, select=["id", "nope"]), ["--select", "id,nope"]),
        (lambda: floe.scan(table, filter="categry = 'beta'"), ["--filter", "categry = 'beta'"]),
        (lambda: floe.scan(table, filter="id < 10 AND"), ["--filter", "id < 10 AND"]),
        (lambda: floe.scan(table, filter="qty = 'abc'"), ["--filter", "qty = 'abc'"]),
    ]
    for call, options in cases:
        with pytest.raises(floe.UsageError) as raised:
            call()
        assert raised.value.usage
        assert str(raised.value) == _cli_message(meta, "--rewrite-prefix", prefix, *options)
        assert "\tat " not in str(raised.value) and "\n" not in str(raised.value)


def test_a_missing_table_raises_the_cli_message(warehouse, tmp_path):
    with pytest.raises(floe.UsageError) as raised:
        floe.load_table("db.nope", catalog=warehouse.catalog)
    assert str(raised.value) == _cli_message("db.nope", "--warehouse", str(warehouse.dir))
    missing = str(tmp_path / "nothing" / "v1.metadata.json")
    with pytest.raises(floe.UsageError) as raised:
        floe.load_table(missing)
    assert str(raised.value) == _cli_message(missing)
    assert isinstance(raised.value, floe.FloeError) and isinstance(raised.value, ValueError)


def test_option_values_are_checked_before_reading(warehouse, no_leaks):
    table = warehouse.load("db.deletes")
    with pytest.raises(floe.UsageError, match="Invalid batch size: 0"):
        floe.scan(table, batch_size=0)
    with pytest.raises(floe.UsageError, match="Invalid limit"):
        floe.scan(table, limit=-1)
    with pytest.raises(floe.UsageError, match="snapshot"):
        floe.scan(table, snapshot_id=12345)
    with pytest.raises(floe.UsageError, match="Invalid select"):
        floe.scan(table, select=[1, 2])


def test_a_missing_data_file_fails_the_read_with_floes_message(oracle, tmp_path, no_leaks):
    copy = tmp_path / "tables"
    shutil.copytree(oracle.root / "tables" / "db" / "v2_parquet_posdel", copy / "db" / "v2_parquet_posdel")
    victim = sorted((copy / "db" / "v2_parquet_posdel" / "data").glob("*/*-0-*.parquet"))[0]
    victim.unlink()
    meta = oracle.meta("v2_parquet_posdel")["current_metadata_file"]
    table = floe.load_table(meta, rewrite_prefix={"/iceberg-oracle/tables": str(copy)})

    with pytest.raises(floe.ReadError) as raised:
        for _ in floe.batches(floe.scan(table, batch_size=1000)):
            pass
    message = str(raised.value)
    assert message.startswith("Cannot ") and Path(victim).name in message
    assert "\n" not in message and "Exception" not in message

    # straight from pyarrow: OSError with the same one-line message
    reader = floe.scan(table, batch_size=1000)
    with pytest.raises(OSError) as plain:
        reader.read_all()
    assert message in str(plain.value)
    del reader, plain
