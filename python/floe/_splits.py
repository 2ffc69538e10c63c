"""Splits: a scan planned on a driver, cut into pieces that workers read independently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import pyarrow as pa

from floe import _jvm
from floe._errors import UsageError, from_java
from floe._scan import TableLike, _check_int, _check_optional_int, _columns, _export
from floe._table import as_table


def plan_splits(
    table: TableLike,
    target_bytes: int,
    select: Optional[Sequence[str]] = None,
    filter: Optional[str] = None,
    snapshot_id: Optional[int] = None,
) -> List[str]:
    """Plans a scan as splits of about ``target_bytes`` of data files each, from metadata only.

    A large file is cut at its row groups / stripes, small files are packed together; together the
    splits hold each of the scan's rows exactly once. Each split is a JSON string
    (``ScanSplit.toJson``) that any process can hand to :func:`read_split`.

    Args:
        table: a :class:`Table`, or an identifier / metadata path opened with the defaults.
        target_bytes: the size splits are packed to, > 0.
        select, filter, snapshot_id: as for :func:`scan`; the splits carry them.

    Raises:
        UsageError: as :func:`scan`, or a target of 0 or less.

    Example:
        >>> splits = floe.plan_splits("db.events", 128 << 20, filter="id < 1000")
        >>> batches = floe.read_split("db.events", splits[0])   # on any worker
    """
    return [split.json for split in planned_splits(table, target_bytes, select, filter, snapshot_id)]


@dataclass(frozen=True)
class PlannedSplit:
    """A split with the estimates an engine schedules by (before deletes and filtering)."""

    json: str
    estimated_rows: int
    estimated_bytes: int
    files: Tuple[str, ...]


def planned_splits(
    table: TableLike,
    target_bytes: int,
    select: Optional[Sequence[str]] = None,
    filter: Optional[str] = None,
    snapshot_id: Optional[int] = None,
) -> List[PlannedSplit]:
    """:func:`plan_splits` with each split's estimates."""
    opened = as_table(table)
    _check_int(target_bytes, "target_bytes")
    _check_optional_int(snapshot_id, "snapshot_id")
    columns = _columns(select)
    import jpype

    java = _jvm.session()
    try:
        splits = java.planSplits(
            opened._java,
            jpype.JLong(target_bytes),
            columns,
            filter,
            None if snapshot_id is None else jpype.JLong(snapshot_id),
        )
    except jpype.JException as e:
        raise from_java(e) from None
    return [
        PlannedSplit(
            json=str(split.json()),
            estimated_rows=int(split.estimatedRows()),
            estimated_bytes=int(split.estimatedBytes()),
            files=tuple(str(file) for file in split.files()),
        )
        for split in splits
    ]


def read_split(table: TableLike, split: str, batch_size: int = 10_000) -> pa.RecordBatchReader:
    """Reads one split from :func:`plan_splits` as a ``pyarrow.RecordBatchReader``, in bounded
    memory, with the same batch lifetime and closing rules as :func:`scan`.

    Args:
        table: the table the split was planned from, opened in this process.
        split: the split's JSON.
        batch_size: at most this many rows per batch.

    Raises:
        UsageError: a split that does not parse or belongs to another table, a bad batch size.
        ReadError: while reading, a data file that cannot be read.
    """
    if not isinstance(split, str):
        raise UsageError(f"Invalid split: {split!r}, expected the JSON text of plan_splits")
    opened = as_table(table)
    _check_int(batch_size, "batch_size")
    import jpype

    java = _jvm.session()
    return _export(
        lambda address: java.readSplit(
            opened._java, split, jpype.JInt(batch_size), jpype.JLong(address)
        ),
    )
