"""Ray Data: an Iceberg table as a ``ray.data.Dataset``, read by Floe in each worker's JVM.

The driver plans the scan's splits from metadata only; each split becomes one read task, which
opens the table in its worker, reads the split in the worker's JVM and yields its batches as
blocks one by one, never the whole split at once (each batch copied into pyarrow's memory, so
that the blocks Ray buffers do not hold the JVM's).

Import ``floe.ray`` before ``ray.init()``: it turns off Ray's C++ failure signal handler (as Ray
advises for Java libraries), which would otherwise kill a process whose JVM raises the signals
it handles itself (``RAY_DISABLE_FAILURE_SIGNAL_HANDLER=1`` does the same).

Example:
    >>> import floe.ray, ray
    >>> ray.init(num_cpus=2)
    >>> ds = floe.ray.read_iceberg("db.events", select=["id", "ts"], filter="id < 1000000")
    >>> ds.count(), ds.sum("id")
"""

from __future__ import annotations

import os

# Ray's C++ failure signal handler takes the SIGSEGVs the JVM raises and handles itself (safepoint
# polls, implicit null checks) for crashes, and kills the process: Ray documents turning it off
# for Java libraries. Before `import ray` for this process's constants, and in the environment
# for the workers a later ray.init() starts.
os.environ.setdefault("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

import pyarrow as pa
import ray.data
from ray._private import ray_constants
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask

import floe
from floe._splits import PlannedSplit, planned_splits

if os.environ["RAY_DISABLE_FAILURE_SIGNAL_HANDLER"] not in ("0", "false", "False"):
    ray_constants.RAY_DISABLE_FAILURE_SIGNAL_HANDLER = True  # ray was imported before floe.ray

DEFAULT_TARGET_SPLIT_BYTES = 128 * 1024 * 1024


class FloeDatasource(Datasource):
    """A Ray Data datasource over one Floe scan: one read task per planned split.

    Holds only plain values (how to open the table, the scan's options), so that Ray can ship it
    and its read tasks to any worker.
    """

    def __init__(
        self,
        table: str,
        select: Optional[Sequence[str]] = None,
        filter: Optional[str] = None,
        snapshot_id: Optional[int] = None,
        target_split_bytes: int = DEFAULT_TARGET_SPLIT_BYTES,
        batch_size: int = 10_000,
        catalog: Optional[Mapping[str, str]] = None,
        rewrite_prefix: Optional[Mapping[str, str]] = None,
    ):
        super().__init__()
        self._table = table
        self._select = None if select is None else list(select)
        self._filter = filter
        self._snapshot_id = snapshot_id
        self._target_split_bytes = target_split_bytes
        self._batch_size = batch_size
        self._catalog = None if catalog is None else dict(catalog)
        self._rewrite_prefix = None if rewrite_prefix is None else dict(rewrite_prefix)
        self._planned: Optional[List[PlannedSplit]] = None
        self._schema: Optional[pa.Schema] = None

    def get_name(self) -> str:
        return "FloeIceberg"

    def _plan(self) -> List[PlannedSplit]:
        # Ray asks for the read tasks more than once (metadata, then execution): plan once.
        if self._planned is None:
            table = self._open()
            # the workers open the table as the driver resolved it (absolute local paths)
            self._table, self._catalog, self._rewrite_prefix = (
                table.reference,
                table.catalog,
                table.rewrite_prefix,
            )
            snapshot = self._snapshot_id
            if snapshot is None:
                snapshot = table.current_snapshot_id  # every task reads the same snapshot
            self._planned = planned_splits(
                table, self._target_split_bytes, self._select, self._filter, snapshot
            )
            with floe.scan(table, select=self._select, filter=self._filter, limit=0) as empty:
                self._schema = empty.schema
        return self._planned

    def _open(self) -> floe.Table:
        return floe.load_table(
            self._table, catalog=self._catalog, rewrite_prefix=self._rewrite_prefix
        )

    def estimate_inmemory_data_size(self) -> Optional[int]:
        return sum(split.estimated_bytes for split in self._plan())

    def get_read_tasks(
        self,
        parallelism: int,
        per_task_row_limit: Optional[int] = None,
        data_context: Any = None,
    ) -> List[ReadTask]:
        """One task per split, whatever ``parallelism`` asks: the splits' target size decides."""
        splits = self._plan()
        table, catalog, prefix, batch_size = (
            self._table,
            self._catalog,
            self._rewrite_prefix,
            self._batch_size,
        )
        tasks = []
        for split in splits:
            metadata = BlockMetadata(
                # Ray Data takes num_rows as exact (Dataset.count() adds them up without reading),
                # and the split's row estimate is before deletes and the filter: leave it out.
                num_rows=None,
                size_bytes=split.estimated_bytes,
                input_files=list(split.files),
                exec_stats=None,
            )
            tasks.append(
                ReadTask(
                    _reader(table, catalog, prefix, split.json, batch_size),
                    metadata,
                    schema=self._schema,
                    per_task_row_limit=per_task_row_limit,
                )
            )
        return tasks


def _reader(table, catalog, rewrite_prefix, split_json, batch_size):
    """The read function of one task: plain values only, so that it pickles."""

    def read() -> Iterable[pa.Table]:
        opened = floe.load_table(table, catalog=catalog, rewrite_prefix=rewrite_prefix)
        try:
            reader = floe.read_split(opened, split_json, batch_size=batch_size)
            schema = reader.schema
            memory = pa.default_cpu_memory_manager()
            empty = True
            for batch in floe.batches(reader):
                empty = False
                # Copied out of the JVM's memory: Ray Data keeps a task's blocks until they add
                # up to its target block size (128 MiB) before it stores them, and blocks backed
                # by Floe's buffers would hold that much of the worker JVM's direct memory (a
                # 1 GB read failed so under -Xmx256m, whose direct memory limit is as large).
                yield pa.Table.from_batches([batch.copy_to(memory)])
            if empty:
                # every row deleted or filtered out: a block that still has the columns
                yield schema.empty_table()
        finally:
            opened.close()

    return read


def read_iceberg(
    table: str,
    select: Optional[Sequence[str]] = None,
    filter: Optional[str] = None,
    snapshot_id: Optional[int] = None,
    target_split_bytes: int = DEFAULT_TARGET_SPLIT_BYTES,
    batch_size: int = 10_000,
    catalog: Optional[Mapping[str, str]] = None,
    rewrite_prefix: Optional[Mapping[str, str]] = None,
    **ray_remote_args: Dict[str, Any],
) -> "ray.data.Dataset":
    """Reads an Iceberg table into a ``ray.data.Dataset`` with Floe, one read task per split.

    Args:
        table: a catalog identifier or a metadata file / table directory (as :func:`floe.load_table`);
            every worker opens it again with ``catalog`` and ``rewrite_prefix``.
        select, filter, snapshot_id: as for :func:`floe.scan` (the SQL filter is exact).
        target_split_bytes: the data file bytes one read task reads (files are cut at row groups /
            stripes, small files packed together); default 128 MiB.
        batch_size: rows per block.
        catalog, rewrite_prefix: as for :func:`floe.load_table`.
        **ray_remote_args: passed to the read tasks' ``ray.remote`` (``num_cpus``, ``memory``,
            ``runtime_env`` with ``FLOE_JAVA_OPTS`` for the workers' JVM heap, ...).

    Raises:
        floe.UsageError: on the driver, for a bad table, column, filter or option.

    Example:
        >>> ds = floe.read_iceberg("db.events", filter="event_type = 'purchase'",
        ...                        catalog={"uri": "http://localhost:8181"}, num_cpus=1)
    """
    if isinstance(table, floe.Table):
        catalog = table.catalog if catalog is None else catalog
        rewrite_prefix = table.rewrite_prefix if rewrite_prefix is None else rewrite_prefix
        table = table.reference
    source = FloeDatasource(
        table,
        select=select,
        filter=filter,
        snapshot_id=snapshot_id,
        target_split_bytes=target_split_bytes,
        batch_size=batch_size,
        catalog=catalog,
        rewrite_prefix=rewrite_prefix,
    )
    source._plan()  # option errors raise here, on the driver, before Ray runs anything
    return ray.data.read_datasource(source, ray_remote_args=ray_remote_args or None)
