"""Tables: opened by catalog identifier or metadata location, as the ``floe`` command does."""

from __future__ import annotations

import os
import re
import weakref
from typing import Mapping, Optional, Union

from floe import _jvm
from floe._errors import UsageError, from_java


class Table:
    """An Iceberg table opened in Floe's JVM, from :func:`load_table`.

    Remembers how it was opened (``reference``, ``catalog``, ``rewrite_prefix``, with local paths
    made absolute), so that Ray workers can open it again. Closing it (or dropping it) closes the catalog it came from; readers
    keep their table open until they are done.
    """

    def __init__(self, java_table, reference: str, catalog, rewrite_prefix):
        self._java = java_table
        self.reference = reference
        self.catalog = None if catalog is None else dict(catalog)
        self.rewrite_prefix = None if rewrite_prefix is None else dict(rewrite_prefix)
        self._finalizer = weakref.finalize(self, _close_quietly, java_table)

    @property
    def name(self) -> str:
        """The table's name, as Iceberg gives it."""
        return str(self._java.name())

    @property
    def current_snapshot_id(self) -> Optional[int]:
        """The current snapshot's id, or None for a table without snapshots."""
        snapshot = self._java.currentSnapshotId()
        return None if snapshot is None else int(snapshot)

    @property
    def iceberg_schema(self) -> str:
        """The current Iceberg schema, in Iceberg's text form (with field ids)."""
        return str(self._java.schema())

    def close(self) -> None:
        """Closes the catalog the table was loaded from; idempotent."""
        self._finalizer()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"floe.Table({self.reference!r})"


def _close_quietly(java_table) -> None:
    try:
        java_table.close()
    except Exception:  # noqa: BLE001 - a catalog that fails to close must not fail the caller
        pass


def load_table(
    table: Union[str, os.PathLike],
    catalog: Optional[Mapping[str, str]] = None,
    rewrite_prefix: Optional[Mapping[str, str]] = None,
) -> Table:
    """Opens an Iceberg table.

    Args:
        table: a catalog identifier (``"db.events"``), or a metadata file
            (``"path/to/v3.metadata.json"``) or Hadoop table directory, read without a catalog.
        catalog: Iceberg catalog properties (``type`` or ``catalog-impl``, ``uri``, ``warehouse``,
            ``io-impl``, ``credential``, ...), as ``floe -C key=value``. Default: the embedded SQLite
            catalog of ``./warehouse`` that ``floe demo`` fills.
        rewrite_prefix: ``{from: to}`` location prefixes to read from elsewhere, tried in order, as
            ``floe --rewrite-prefix FROM=TO`` (a table whose files moved).

    Raises:
        UsageError: the table does not exist, its metadata is not found, the catalog properties do
            not tell a catalog.

    Example:
        >>> events = floe.load_table("db.events", catalog={"uri": "http://localhost:8181"})
        >>> moved = floe.load_table("/copy/db/events/metadata/v4.metadata.json",
        ...                         rewrite_prefix={"s3://bucket/warehouse": "/copy"})
    """
    reference = os.fspath(table) if isinstance(table, os.PathLike) else table
    if not isinstance(reference, str):
        raise UsageError(f"Invalid table: {table!r}, expected an identifier or a metadata path")
    # Relative paths are this process's, now: the JVM would resolve them against the directory
    # it started in.
    if _is_local_path(reference):
        reference = os.path.abspath(reference)
    catalog = _embedded_warehouse(catalog)
    if rewrite_prefix is not None:
        rewrite_prefix = {
            source: os.path.abspath(target) if _is_local_path(target) else target
            for source, target in _checked(rewrite_prefix, "rewrite_prefix").items()
        }
    catalog_map = _java_map(catalog, "catalog")
    prefix_map = _java_map(rewrite_prefix, "rewrite_prefix")
    import jpype

    java = _jvm.session()
    try:
        opened = java.loadTable(reference, catalog_map, prefix_map)
    except jpype.JException as e:
        raise from_java(e) from None
    return Table(opened, reference, catalog, rewrite_prefix)


def as_table(table: Union[Table, str, os.PathLike]) -> Table:
    """A :class:`Table` as given, or opened with the defaults from an identifier or path."""
    return table if isinstance(table, Table) else load_table(table)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def _is_local_path(reference) -> bool:
    """A path on this machine (what the command takes as a location), not ``db.t`` or ``s3://``."""
    return isinstance(reference, str) and not _SCHEME.match(reference) and (
        "/" in reference or "\\" in reference or reference.endswith((".json", ".json.gz"))
    )


def _embedded_warehouse(catalog: Optional[Mapping[str, str]]) -> dict:
    """The catalog properties, with the embedded catalog's warehouse made absolute here."""
    properties = dict(_checked(catalog, "catalog")) if catalog is not None else {}
    if not any(key in properties for key in ("type", "catalog-impl", "uri")):
        warehouse = str(properties.get("warehouse", "warehouse"))
        if not _SCHEME.match(warehouse):
            properties["warehouse"] = os.path.abspath(warehouse)
    return properties


def _checked(values, what: str) -> Mapping:
    if not isinstance(values, Mapping):
        raise UsageError(f"Invalid {what}: {values!r}, expected a dict of strings")
    return values


def _java_map(values: Optional[Mapping[str, str]], what: str):
    if values is None:
        return None
    _checked(values, what)
    _jvm.session()
    import jpype

    result = jpype.JClass("java.util.LinkedHashMap")()
    for key, value in values.items():
        if not isinstance(key, str) or not isinstance(value, (str, int, float, bool)):
            raise UsageError(f"Invalid {what}: {key!r}: {value!r}, expected strings")
        result.put(key, str(value).lower() if isinstance(value, bool) else str(value))
    return result
