"""``floe serve`` from Python: the server runs as a child process (``bin/floe serve --port 0``,
which prints the port it bound), and pyarrow.flight reads every endpoint of a scan of the
Spark-written oracle tables; the union equals Spark's rows. Tickets and the token are checked the
way a Python client meets them."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
import urllib.request

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import canonical
import floe

TOKEN = "python-test-token"
ROW_LEVEL_DELETE_TABLES = ["v2_parquet_posdel", "v3_orc_dv"]


@pytest.fixture(scope="module")
def server(oracle):
    """A ``floe serve`` child process on free loopback ports; yields (flight URI, HTTP URL)."""
    launcher = floe.floe_home() / "bin" / "floe"
    server_jar = floe.floe_home() / "server" / "target" / "classpath.txt"
    if not server_jar.is_file():
        pytest.skip(f"the server module is not built in {floe.floe_home()} (make build)")
    (prefix, target), = oracle.rewrite_prefix.items()
    process = subprocess.Popen(
        [str(launcher), "serve", "--port", "0", "--http-port", "0", "--token", TOKEN,
         "--rewrite-prefix", f"{prefix}={target}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        flight_line = process.stdout.readline()
        http_line = process.stdout.readline()
        match = re.fullmatch(r"Flight listening on (grpc://127\.0\.0\.1:\d+)\n", flight_line)
        assert match, (flight_line, process.stderr.read() if process.poll() is not None else "")
        http = re.fullmatch(r"HTTP listening on (http://127\.0\.0\.1:\d+)\n", http_line)
        assert http, http_line
        yield match.group(1), http.group(1)
    finally:
        process.terminate()
        assert process.wait(timeout=30) is not None
        process.stdout.close()
        process.stderr.close()


def options() -> flight.FlightCallOptions:
    return flight.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())])


def command(**scan) -> flight.FlightDescriptor:
    return flight.FlightDescriptor.for_command(json.dumps(scan).encode())


def read_endpoints(client: flight.FlightClient, info: flight.FlightInfo) -> pa.Table:
    tables = [client.do_get(endpoint.ticket, options()).read_all() for endpoint in info.endpoints]
    return pa.concat_tables(tables)


@pytest.mark.parametrize("name", ROW_LEVEL_DELETE_TABLES)
def test_every_endpoint_unioned_equals_spark(server, oracle, name):
    location, _ = server
    meta = oracle.meta(name)
    with flight.FlightClient(location) as client:
        descriptor = command(table=meta["current_metadata_file"], target_split_bytes=4096)
        info = client.get_flight_info(descriptor, options())
        assert len(info.endpoints) > 1
        assert info.total_records >= meta["row_count"]
        rows = read_endpoints(client, info)
        assert rows.schema == info.schema
        assert canonical.lines(rows) == oracle.lines(name)
        for spec in meta["filters"]:
            filtered = read_endpoints(
                client,
                client.get_flight_info(
                    command(table=meta["current_metadata_file"], filter=spec["sql_where"],
                            select=[c["name"] for c in meta["columns"]], batch_size=500),
                    options(),
                ),
            )  # fmt: skip
            lines = canonical.lines(filtered)
            assert len(lines) == spec["row_count"], spec["sql_where"]
            assert canonical.sha256(lines) == spec["jsonl_sha256"], spec["sql_where"]


def test_a_call_without_the_token_is_refused(server, oracle):
    location, _ = server
    meta = oracle.meta("v2_parquet_posdel")
    with flight.FlightClient(location) as client:
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.get_flight_info(command(table=meta["current_metadata_file"]))


def test_a_modified_ticket_is_refused(server, oracle):
    location, _ = server
    meta = oracle.meta("v3_orc_dv")
    with flight.FlightClient(location) as client:
        info = client.get_flight_info(command(table=meta["current_metadata_file"]), options())
        ticket = bytearray(info.endpoints[0].ticket.ticket)
        ticket[5] = ticket[5] ^ 1
        with pytest.raises(flight.FlightUnauthenticatedError, match="Invalid ticket"):
            client.do_get(flight.Ticket(bytes(ticket)), options()).read_all()


def test_errors_carry_floes_message(server, oracle):
    location, _ = server
    meta = oracle.meta("v2_parquet_posdel")
    with flight.FlightClient(location) as client:
        # pyarrow raises INVALID_ARGUMENT as ArrowInvalid
        with pytest.raises(pa.ArrowInvalid, match="Invalid filter: .* at position 5"):
            client.get_flight_info(
                command(table=meta["current_metadata_file"], filter="qty >"), options()
            )


def test_http_ndjson_equals_spark(server, oracle):
    _, http = server
    meta = oracle.meta("v3_orc_dv")
    query = urllib.parse.urlencode({"table": meta["current_metadata_file"]})
    request = urllib.request.Request(
        f"{http}/scan?{query}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request) as response:
        lines = response.read().decode("utf-8").split("\n")[:-1]
    lines.sort(key=lambda line: json.loads(line)["id"])
    assert lines == oracle.lines("v3_orc_dv")
