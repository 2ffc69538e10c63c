"""Floe: Apache Iceberg tables as bounded-memory streams of Apache Arrow batches.

Floe's Java reader runs in an in-process JVM (JPype); batches reach pyarrow through the Arrow C
stream interface without a copy.

Example:
    >>> import floe
    >>> table = floe.load_table("db.events")            # the embedded catalog of ./warehouse
    >>> reader = floe.scan(table, select=["id", "ts"], filter="id < 100")
    >>> reader.read_all().num_rows

    >>> import floe.ray
    >>> ds = floe.ray.read_iceberg("db.events", filter="id < 100")   # a ray.data.Dataset
"""

from __future__ import annotations

import importlib

from floe._errors import FloeError, ReadError, UsageError
from floe._jvm import debug_counters, floe_home, start_jvm
from floe._scan import batches, scan
from floe._splits import plan_splits, read_split
from floe._table import Table, load_table

__version__ = "0.1.0"

__all__ = [
    "FloeError",
    "ReadError",
    "Table",
    "batches",
    "UsageError",
    "debug_counters",
    "floe_home",
    "load_table",
    "plan_splits",
    "read_split",
    "scan",
    "start_jvm",
]


def __getattr__(name: str):
    # `floe.ray` without importing Ray (slow) for users who never touch it
    if name == "ray":
        return importlib.import_module("floe.ray")
    raise AttributeError(f"module 'floe' has no attribute {name!r}")
