"""Native anchors for the Java benchmarks: Arrow C++ (pyarrow.dataset) and DuckDB reading the same
data files into Arrow record batches, every column, on command.

Reads one command per line from stdin and answers each with one line on stdout:

    pyarrow <parquet|orc> <threads 0|1> <batch rows> <file> [<file> ...]
    duckdb <threads> <batch rows> <file> [<file> ...]      (Parquet only)

answer: ``<rows> <seconds>``, or ``skip <reason>`` when the reader is not installed. The process
inherits the caller's CPU affinity, so a benchmark run under ``taskset -c 0`` pins these too.
"""

import sys
import time


def read_pyarrow(fmt, threads, batch, files):
    import pyarrow.dataset as ds

    start = time.perf_counter()
    dataset = ds.dataset(files, format=fmt)
    rows = 0
    for b in dataset.to_batches(batch_size=batch, use_threads=threads):
        rows += b.num_rows
    return rows, time.perf_counter() - start


def read_duckdb(threads, batch, files):
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads TO {threads}")
    con.execute("SET enable_progress_bar = false")  # it would print into the answers
    quoted = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    result = con.execute(f"SELECT * FROM read_parquet([{quoted}])")
    # to_arrow_reader in newer DuckDB; fetch_record_batch (deprecated there) in older ones
    to_reader = getattr(result, "to_arrow_reader", None) or result.fetch_record_batch
    reader = to_reader(batch)
    rows = 0
    for b in reader:
        rows += b.num_rows
    con.close()
    return rows, time.perf_counter() - start


def main():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "pyarrow":
                rows, seconds = read_pyarrow(words[1], words[2] == "1", int(words[3]), words[4:])
            elif words[0] == "duckdb":
                rows, seconds = read_duckdb(int(words[1]), int(words[2]), words[3:])
            else:
                raise ValueError("unknown command " + words[0])
            print(rows, seconds, flush=True)
        except ImportError as e:
            print("skip", str(e).replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
