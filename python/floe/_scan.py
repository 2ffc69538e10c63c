"""Scans and splits as ``pyarrow.RecordBatchReader``s over the Arrow C stream interface."""

from __future__ import annotations

import ctypes
import os
import weakref
from typing import Callable, Iterator, List, Optional, Sequence, Union

import pyarrow as pa

from floe import _jvm
from floe._errors import UsageError, from_java
from floe._table import Table, as_table

# struct ArrowArrayStream is five pointers; zeroed, it reads as released until Java fills it.
_STREAM_STRUCT_BYTES = 5 * ctypes.sizeof(ctypes.c_void_p)

TableLike = Union[Table, str, os.PathLike]


def scan(
    table: TableLike,
    select: Optional[Sequence[str]] = None,
    filter: Optional[str] = None,
    snapshot_id: Optional[int] = None,
    limit: Optional[int] = None,
    batch_size: int = 10_000,
) -> pa.RecordBatchReader:
    """Reads a table as a stream of Arrow record batches, in bounded memory.

    Every delete is applied and the filter holds exactly for every row. The batches come from
    Floe's Java reader without a copy (Arrow C stream interface), one batch decoded at a time; the
    reader has ``__arrow_c_stream__``, so DuckDB, Polars and pandas take it as it is. Closing the
    reader, reading it to the end, or dropping it closes the Java scan; a batch you keep stays valid
    (its memory is returned when you drop it).

    Option errors raise here. A failure while reading (a missing or damaged data file) raises
    pyarrow's ``OSError`` from the reader, with Floe's one-line message; :func:`floe.batches`
    iterates a reader raising :class:`ReadError` instead.

    Args:
        table: a :class:`Table` from :func:`load_table`, or an identifier / metadata path opened
            with the defaults.
        select: top-level columns in output order (``_file``, ``_pos`` allowed); default: all. A
            string is split at commas, as ``floe --select`` does.
        filter: a SQL condition, exactly ``floe --filter``'s grammar with SQL's null semantics
            (``"id < 100 AND category = 'beta' AND note IS NULL"``).
        snapshot_id: the snapshot to read (time travel); default: the current one.
        limit: at most this many rows.
        batch_size: at most this many rows per batch (1 to 16,777,216).

    Raises:
        UsageError: an unknown column or snapshot, a filter that does not parse or does not fit the
            table, a bad batch size or limit (raised here, before any data file is opened).

    Example:
        >>> reader = floe.scan("db.events", select=["id", "ts"], filter="id < 100")
        >>> for batch in reader:
        ...     print(batch.num_rows)
        >>> duckdb.sql("SELECT count(*) FROM reader")   # or polars.from_arrow(reader)
    """
    opened = as_table(table)
    columns = _columns(select)
    _check_optional_int(snapshot_id, "snapshot_id")
    _check_optional_int(limit, "limit")
    _check_int(batch_size, "batch_size")
    import jpype

    java = _jvm.session()
    return _export(
        lambda address: java.scan(
            opened._java,
            columns,
            filter,
            None if snapshot_id is None else jpype.JLong(snapshot_id),
            None if limit is None else jpype.JLong(limit),
            jpype.JInt(batch_size),
            jpype.JLong(address),
        ),
    )


def _export(export: Callable[[int], object]) -> pa.RecordBatchReader:
    """Has Java export a stream into a struct allocated here, then gives it to pyarrow."""
    import jpype

    struct = ctypes.create_string_buffer(_STREAM_STRUCT_BYTES)
    address = ctypes.addressof(struct)
    try:
        handle = export(address)
    except jpype.JException as e:
        raise from_java(e) from None
    # pyarrow moves the stream out of the struct: from here on pyarrow owns it and releases it
    # (closing the Java scan) when the reader is closed, read to the end or garbage collected.
    # It is returned as it is, not wrapped: a wrapping reader would not pass close() on.
    reader = pa.RecordBatchReader._import_from_c(address)
    _handles[id(reader)] = handle
    weakref.finalize(reader, _handles.pop, id(reader), None)
    return reader


# id(reader) -> its Java PythonScan, while the reader lives: read_failure() looks it up
_handles: dict = {}


def read_failure(reader: pa.RecordBatchReader, error: BaseException) -> BaseException:
    """The Floe error behind ``error``, raised by pyarrow while reading a Floe ``reader``.

    pyarrow raises a failure of the Java side as ``OSError`` with Floe's one-line message; this
    gives the :class:`ReadError` (or :class:`UsageError`) Floe raised, or ``error`` itself.
    """
    handle = _handles.get(id(reader))
    failure = None if handle is None else handle.failure()
    return error if failure is None else from_java(failure)


def batches(reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    """The batches of a Floe ``reader``, with read failures raised as :class:`FloeError`; closes
    the reader when done or abandoned."""
    with reader:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowException, OSError) as e:
                raise read_failure(reader, e) from None
            yield batch
            # drop this reference before the next batch is decoded: one batch alive at a time
            del batch


def _columns(select) -> Optional[List[str]]:
    if select is None:
        return None
    if isinstance(select, str):
        select = [column.strip() for column in select.split(",")]
    columns = list(select)
    if not all(isinstance(column, str) for column in columns):
        raise UsageError(f"Invalid select: {select!r}, expected column names")
    import jpype

    return jpype.JArray(jpype.JString)(columns)


def _check_int(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"Invalid {what}: {value!r}, expected an integer")


def _check_optional_int(value, what: str) -> None:
    if value is not None:
        _check_int(value, what)
