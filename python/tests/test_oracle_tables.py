"""floe.scan of the Spark-written oracle tables, read in place with rewrite_prefix, equals what
Spark read: value for value, with each oracle filter and the projection. Rows are read with
read_all() over small batches, so every batch is kept while later ones are decoded."""

from __future__ import annotations

import json
import re

import numpy as np
import pyarrow as pa
import pytest

import canonical
import floe

ROW_LEVEL_DELETE_TABLES = ["v2_parquet_posdel", "v3_orc_dv"]

# The types table's primitive columns (checked through pyarrow's own values too).
TYPES_PRIMITIVES = [
    "id", "b", "i", "l", "f", "d", "dec_9_2", "dec_18_6", "dec_38_10",
    "s", "bin", "fix", "u", "dt", "ts", "ts_ntz", "req_s",
]  # fmt: skip


@pytest.mark.parametrize("name", ROW_LEVEL_DELETE_TABLES)
def test_row_level_delete_tables_match_spark(oracle, name, no_leaks):
    meta = oracle.meta(name)
    rows = floe.scan(oracle.load(name), batch_size=1000).read_all()
    actual = canonical.lines(rows)
    expected = oracle.lines(name)
    assert len(actual) == meta["row_count"] == len(expected)
    for ours, spark in zip(actual, expected):
        assert ours == spark
    assert canonical.sha256(actual) == meta["jsonl_sha256"]


@pytest.mark.parametrize("name", ROW_LEVEL_DELETE_TABLES)
def test_row_level_delete_tables_match_spark_with_each_filter(oracle, name, no_leaks):
    meta = oracle.meta(name)
    table = oracle.load(name)
    for case in meta["filters"]:
        rows = floe.scan(table, filter=case["sql_where"], batch_size=500).read_all()
        actual = canonical.lines(rows)
        assert len(actual) == case["row_count"], case["sql_where"]
        assert canonical.sha256(actual) == case["jsonl_sha256"], case["sql_where"]


@pytest.mark.parametrize("name", ROW_LEVEL_DELETE_TABLES)
def test_projection_keeps_the_selected_order(oracle, name, no_leaks):
    projection = oracle.meta(name)["projection"]
    rows = floe.scan(oracle.load(name), select=projection["select"]).read_all()
    assert rows.column_names == projection["select"]
    actual = canonical.lines(rows)
    assert len(actual) == projection["row_count"]
    assert canonical.sha256(actual) == projection["jsonl_sha256"]


def _spark_rows(oracle, columns):
    return [
        {key: value for key, value in json.loads(line).items() if key in columns}
        for line in oracle.lines("types")
    ]


def test_types_table_matches_spark_nested_columns_included(oracle, no_leaks):
    rows = floe.scan(oracle.load("types"), batch_size=100).read_all()
    assert pa.types.is_struct(rows.schema.field("st").type)
    assert pa.types.is_list(rows.schema.field("li").type)
    assert pa.types.is_map(rows.schema.field("m").type)
    actual = canonical.lines(rows, uuid_columns=("u",))
    expected = oracle.lines("types")
    assert len(actual) == len(expected) == oracle.meta("types")["row_count"]
    for ours, spark in zip(actual, expected):
        assert ours == spark
    assert canonical.sha256(actual) == oracle.meta("types")["jsonl_sha256"]


def test_types_table_floats_decimals_timestamps_binary_are_exact(oracle, no_leaks):
    """The edge rows through pyarrow's own Python values, not the canonical text."""
    rows = floe.scan(oracle.load("types"), select=TYPES_PRIMITIVES, filter="id <= 10").read_all()
    by_id = {row["id"]: row for row in rows.to_pylist()}
    spark = {row["id"]: row for row in _spark_rows(oracle, TYPES_PRIMITIVES) if row["id"] <= 10}
    assert by_id.keys() == spark.keys()
    for key, row in by_id.items():
        expected = spark[key]
        assert (row["dec_38_10"] is None and expected["dec_38_10"] is None) or format(
            row["dec_38_10"], "f"
        ) == expected["dec_38_10"]
        if row["f"] is not None and isinstance(expected["f"], (int, float)):
            assert np.float32(row["f"]) == np.float32(expected["f"])
        if row["bin"] is not None:
            import base64

            assert base64.b64encode(row["bin"]).decode() == expected["bin"]
    assert rows.schema.field("ts").type.tz == "UTC"
    assert rows.schema.field("ts_ntz").type.tz is None
    assert str(rows.schema.field("dec_38_10").type) == "decimal128(38, 10)"


_SIMPLE_WHERE = re.compile(r"^(\w+) (?:(IS NULL)|(<|=) (.+))$")


def _matches(row: dict, where: str) -> bool:
    column, is_null, operator, literal = _SIMPLE_WHERE.match(where).groups()
    if is_null:
        return row[column] is None
    value = json.loads(literal.replace("'", '"'))
    if row[column] is None:
        return False
    return row[column] < value if operator == "<" else row[column] == value


def test_types_table_filters_match_spark(oracle, no_leaks):
    table = oracle.load("types")
    for case in oracle.meta("types")["filters"]:
        rows = floe.scan(table, filter=case["sql_where"]).read_all()
        actual = canonical.lines(rows, uuid_columns=("u",))
        assert len(actual) == case["row_count"], case["sql_where"]
        assert canonical.sha256(actual) == case["jsonl_sha256"], case["sql_where"]
        # the filter's column need not be selected ('st IS NULL' with only id read out)
        ids = floe.scan(table, select=["id"], filter=case["sql_where"]).read_all()
        assert sorted(ids.column("id").to_pylist()) == [json.loads(line)["id"] for line in actual]


def test_nested_paths_select_parts_of_structs(oracle, no_leaks):
    rows = floe.scan(oracle.load("types"), select=["id", "st.inner.x"]).read_all()
    assert rows.column_names == ["id", "st"]
    assert [f.name for f in rows.schema.field("st").type] == ["inner"]
    by_id = {row["id"]: row["st"] for row in rows.to_pylist()}
    for line in oracle.lines("types"):
        spark = json.loads(line)
        st = spark["st"]
        expected = None if st is None else {
            "inner": None if st["inner"] is None else {"x": st["inner"]["x"]}
        }  # fmt: skip
        ours = by_id[spark["id"]]
        if expected and expected["inner"] and isinstance(expected["inner"]["x"], str):
            assert str(ours["inner"]["x"]) in ("nan", "inf", "-inf")  # NaN / Infinity as strings
        else:
            assert ours == expected
