"""The oracle's canonical JSON encoding (../shared/oracle/README.md) of Arrow values, so that
Floe's rows can be compared with Spark's line by line and by the oracle's SHA-256 hashes."""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import math
import uuid

import numpy as np
import pyarrow as pa

_EPOCH = datetime.datetime(1970, 1, 1)
_EPOCH_DAY = datetime.date(1970, 1, 1).toordinal()


def js_number(shortest: str) -> str:
    """ECMAScript ``Number.prototype.toString`` of the value whose shortest round-trip digits
    ``shortest`` gives (Python's repr of a float, numpy's str of a float32)."""
    sign, digits, exponent = decimal.Decimal(shortest).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    if text == "0":
        return "-0" if sign else "0"
    k = len(text)
    n = exponent + len(digits)  # value = 0.<digits> x 10^n
    if k <= n <= 21:
        body = text + "0" * (n - k)
    elif 0 < n <= 21:
        body = text[:n] + "." + text[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + text
    else:
        e = n - 1
        body = text[0] + ("." + text[1:] if k > 1 else "") + ("e+" if e >= 0 else "e-") + str(abs(e))
    return ("-" if sign else "") + body


def _float(value, single: bool) -> str:
    if math.isnan(value):
        return '"NaN"'
    if math.isinf(value):
        return '"Infinity"' if value > 0 else '"-Infinity"'
    return js_number(str(np.float32(value)) if single else repr(float(value)))


def _nullable(encode):
    return lambda v: "null" if v is None else encode(v)


def _encoder(field: pa.Field):
    kind = field.type
    if pa.types.is_struct(kind):
        children = [
            (json.dumps(kind.field(i).name, ensure_ascii=False), kind.field(i).name,
             _nullable(_encoder(kind.field(i))))
            for i in range(kind.num_fields)
        ]  # fmt: skip
        return lambda v: "{" + ",".join(key + ":" + enc(v[name]) for key, name, enc in children) + "}"
    if pa.types.is_map(kind):
        key_encode = _encoder(kind.key_field)
        value_encode = _nullable(_encoder(kind.item_field))

        def encode_map(entries):
            pairs = sorted(
                ((key_encode(k), value_encode(v)) for k, v in entries),
                key=lambda pair: pair[0].encode("utf-8"),
            )
            return "[" + ",".join('{"key":' + k + ',"value":' + v + "}" for k, v in pairs) + "]"

        return encode_map
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        element = _nullable(_encoder(kind.value_field))
        return lambda v: "[" + ",".join(element(e) for e in v) + "]"
    if pa.types.is_boolean(kind):
        return lambda v: "true" if v else "false"
    if pa.types.is_integer(kind):
        return str
    if pa.types.is_float32(kind):
        return lambda v: _float(v, True)
    if pa.types.is_float64(kind):
        return lambda v: _float(v, False)
    if pa.types.is_decimal(kind):
        return lambda v: '"' + format(v, "f") + '"'
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if pa.types.is_binary(kind) or pa.types.is_fixed_size_binary(kind):
        return lambda v: '"' + base64.b64encode(v).decode() + '"'
    if pa.types.is_date32(kind):

        def date(days):
            if isinstance(days, datetime.date):  # nested values come as Python dates
                return '"' + days.isoformat() + '"'
            return '"' + datetime.date.fromordinal(_EPOCH_DAY + days).isoformat() + '"'

        return date
    if pa.types.is_timestamp(kind):
        zone = "Z" if kind.tz else ""
        per_micro = {"us": 1, "ns": 1000}[kind.unit]

        def timestamp(value):
            if isinstance(value, datetime.datetime):  # nested values come as Python datetimes
                delta = value.replace(tzinfo=None) - _EPOCH
                value = (delta.days * 86_400_000_000 + delta.seconds * 1_000_000
                         + delta.microseconds) * per_micro  # fmt: skip
            micros = value // per_micro
            t = _EPOCH + datetime.timedelta(microseconds=micros)
            return (
                f'"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:'
                f'{t.second:02d}.{t.microsecond:06d}{zone}"'
            )

        return timestamp
    raise AssertionError(f"no canonical encoding for {field}")


def _python_values(column: pa.ChunkedArray) -> list:
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    elif pa.types.is_date32(column.type):
        column = column.cast(pa.int32())
    return column.to_pylist()


def lines(table: pa.Table, uuid_columns=()) -> list:
    """Canonical JSON lines of the table's rows, sorted by ``id``."""
    table = table.sort_by("id")
    columns = []
    for field, column in zip(table.schema, table.columns):
        encode = (
            (lambda v: '"' + str(uuid.UUID(bytes=v)) + '"')
            if field.name in uuid_columns
            else _encoder(field)
        )
        key = json.dumps(field.name, ensure_ascii=False)
        columns.append(
            [key + ":" + ("null" if v is None else encode(v)) for v in _python_values(column)]
        )
    return ["{" + ",".join(cells) + "}" for cells in zip(*columns)]


def sha256(canonical_lines: list) -> str:
    return hashlib.sha256("".join(line + "\n" for line in canonical_lines).encode()).hexdigest()
