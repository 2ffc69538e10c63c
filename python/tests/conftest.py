"""Shared fixtures: the Spark-written oracle tables, and fixture tables written by Floe's Java
fixtures module (dev.floe.fixtures, on the class path as `floe demo` uses it) into a temporary
embedded SQLite catalog."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

import floe

ORIGINAL_PREFIX = "/iceberg-oracle/tables"


@dataclass(frozen=True)
class Oracle:
    root: Path

    def meta(self, table: str) -> dict:
        return json.loads((self.root / "expected" / f"{table}.meta.json").read_text())

    def lines(self, table: str) -> list:
        text = (self.root / "expected" / f"{table}.jsonl").read_text(encoding="utf-8")
        return text.split("\n")[:-1]  # not splitlines(): values hold U+2028 and friends

    @property
    def rewrite_prefix(self) -> dict:
        return {ORIGINAL_PREFIX: str(self.root / "tables")}

    def load(self, table: str) -> floe.Table:
        return floe.load_table(
            self.meta(table)["current_metadata_file"], rewrite_prefix=self.rewrite_prefix
        )


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    """``../shared/oracle`` beside the checkout (``$FLOE_ORACLE_DIR`` overrides)."""
    configured = os.environ.get("FLOE_ORACLE_DIR")
    root = Path(configured) if configured else floe.floe_home().parent / "shared" / "oracle"
    if not (root / "expected").is_dir():
        pytest.skip(f"oracle tables not found at {root}")
    return Oracle(root.resolve())


@dataclass(frozen=True)
class Warehouse:
    """A temporary embedded SQLite catalog holding the fixture tables."""

    dir: Path

    @property
    def catalog(self) -> dict:
        return {"warehouse": str(self.dir)}

    def load(self, name: str) -> floe.Table:
        return floe.load_table(name, catalog=self.catalog)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Warehouse:
    """``db.deletes``: 20,000 rows in several partitioned Parquet files with position and
    equality deletes; ``db.one_file``: one Parquet file of 60,000 rows in >= 8 row groups with a
    deleted row."""
    import jpype

    floe.start_jvm()
    directory = tmp_path_factory.mktemp("warehouse")
    fixtures = jpype.JClass("dev.floe.fixtures.Fixtures")
    options = jpype.JClass("dev.floe.fixtures.FixtureOptions").defaults()
    identifier = jpype.JClass("org.apache.iceberg.catalog.TableIdentifier")
    java_warehouse = jpype.JClass("dev.floe.fixtures.Warehouse").sqlite(
        jpype.JClass("java.nio.file.Paths").get(str(directory))
    )
    try:
        catalog = java_warehouse.catalog()
        fixtures.deletes(catalog, identifier.of("db", "deletes"), options.withRows(20_000))
        fixtures.manyFiles(
            catalog,
            identifier.of("db", "one_file"),
            options.withRows(60_000).withRowGroupBytes(16 * 1024),
            1,
        )
    finally:
        java_warehouse.close()
    return Warehouse(directory)


@pytest.fixture
def no_leaks():
    """Checks the test left the Java side with no open scan and no allocated Arrow memory."""
    import gc

    yield
    gc.collect()
    counters = floe.debug_counters()
    assert counters["open_scans"] == 0, counters
    assert counters["allocated_bytes"] == 0, counters
