"""Closing a reader, breaking out of a loop, reading to the end and garbage collection each
leave the Java side with no open scan and no allocated Arrow memory."""

from __future__ import annotations

import gc

import floe


def _counters():
    return floe.debug_counters()


def _clean():
    counters = _counters()
    return counters["open_scans"] == 0 and counters["allocated_bytes"] == 0


def test_close_mid_stream_closes_the_java_scan(warehouse):
    reader = floe.scan(warehouse.load("db.deletes"), batch_size=100)
    batch = reader.read_next_batch()
    assert _counters()["open_scans"] == 1
    reader.close()
    assert _counters()["open_scans"] == 0
    assert batch.num_rows > 0  # a kept batch stays valid after close ...
    del batch
    assert _clean()  # ... and its memory goes back when it is dropped


def test_with_block_closes_the_java_scan(warehouse):
    with floe.scan(warehouse.load("db.deletes"), batch_size=100) as reader:
        reader.read_next_batch()
    assert _clean()


def test_breaking_out_of_a_loop_closes_the_java_scan(warehouse):
    for batch in floe.scan(warehouse.load("db.deletes"), batch_size=100):
        break
    del batch
    assert _clean()


def test_breaking_out_of_floe_batches_closes_a_held_reader(warehouse):
    reader = floe.scan(warehouse.load("db.deletes"), batch_size=100)
    for batch in floe.batches(reader):
        break
    del batch
    assert _clean()
    assert reader is not None


def test_reading_to_the_end_closes_the_java_scan(warehouse):
    reader = floe.scan(warehouse.load("db.deletes"), batch_size=1000)
    rows = sum(batch.num_rows for batch in reader)
    assert rows > 0
    assert _clean()


def test_dropping_a_reader_closes_the_java_scan(warehouse):
    reader = floe.scan(warehouse.load("db.deletes"), batch_size=100)
    reader.read_next_batch()
    del reader
    assert _clean()
    unread = floe.scan(warehouse.load("db.deletes"))
    del unread
    assert _clean()


def test_garbage_collection_closes_a_reader_in_a_cycle(warehouse):
    class Holder:
        pass

    holder = Holder()
    holder.cycle = holder
    holder.reader = floe.scan(warehouse.load("db.deletes"), batch_size=100)
    holder.batch = holder.reader.read_next_batch()
    del holder
    assert _counters()["open_scans"] == 1
    gc.collect()
    assert _clean()


def test_one_batch_is_alive_at_a_time_while_iterating(warehouse):
    """Memory stays at about one batch however many are read."""
    peaks = []
    for batch in floe.scan(warehouse.load("db.one_file"), batch_size=1000):
        peaks.append(_counters()["allocated_bytes"])
        del batch
    assert len(peaks) >= 50
    assert max(peaks[5:]) <= 3 * max(peaks[:5])
    assert _clean()


def test_a_table_closed_before_its_reader_still_reads(warehouse):
    table = warehouse.load("db.deletes")
    reader = floe.scan(table, batch_size=1000)
    table.close()
    del table
    assert reader.read_all().num_rows > 0
    assert _clean()
