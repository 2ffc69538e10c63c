"""Peak RSS of one Ray worker reading a >= 1 GB Iceberg table through floe.ray.read_iceberg under
a 256 MiB JVM heap, next to pyarrow reading the same data files into one table.

    make python-memory-test          # or: python ray_memory.py --rows 30000000 --heap 256m

Generates a fixture `events` table (dev.floe.fixtures, Parquet, 8 files, ~1% of rows deleted by
position) once into --tables, then, each in a fresh process tree:
  * Floe + Ray: ray.init(num_cpus=1); every block of the dataset is consumed on the driver; the
    figure is the read worker's VmHWM (its JVM runs in it, under -Xmx<heap>);
  * pyarrow: pyarrow.dataset(files).to_table() of the same data files (no deletes applied), and
    the same dataset's to_batches() streamed, for reference; the figure is the process's VmHWM.
Not part of CI: it takes minutes and a few GB of disk.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def vm_hwm_mib(pid="self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def descendants(pid: int) -> list:
    """Processes below ``pid`` (Ray's raylet and workers are started by the driver)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def worker_pids() -> list:
    """Ray's worker processes of this session (they rename themselves ray::<task>, ray::IDLE),
    less its agents and internal actors."""
    found = []
    for pid in descendants(os.getpid()):
        name = cmdline(pid)
        if name.startswith("ray::") and not name.startswith(("ray::_", "ray::Dashboard", "ray::RuntimeEnv")):
            found.append(pid)
    return found


class Sampler:
    """Peaks of the workers' RssAnon (heap, JVM, pyarrow) and RssShmem (Ray's object store
    pages they wrote), every 50 ms."""

    def __init__(self, pids):
        import threading

        self._pids, self._peaks, self._done = pids, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._done.wait(0.05):
            for pid in self._pids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    key = line.split(":")[0]
                    if key in ("RssAnon", "RssShmem"):
                        value = int(line.split()[1]) / 1024
                        self._peaks[key] = max(self._peaks.get(key, 0), value)

    def stop(self):
        self._done.set()
        self._thread.join()

    def peak(self, key) -> float:
        return self._peaks.get(key, 0.0)


def ensure_table(tables: Path, rows: int, row_group_mb: int) -> str:
    """The table directory of the fixture events table, written once."""
    import jpype

    import floe

    name = f"events_{rows}_rg{row_group_mb}"
    directory = tables / "db" / name
    if (directory / "metadata" / "version-hint.text").exists():
        return str(directory)
    floe.start_jvm(max_heap="2g")
    print(f"generating {rows:,} rows into {directory} ...", flush=True)
    started = time.time()
    options = (
        jpype.JClass("dev.floe.fixtures.FixtureOptions")
        .defaults()
        .withRows(rows)
        .withRowGroupBytes(row_group_mb << 20)
    )
    warehouse = jpype.JClass("dev.floe.fixtures.Warehouse").hadoop(
        jpype.JClass("java.nio.file.Paths").get(str(tables))
    )
    try:
        jpype.JClass("dev.floe.fixtures.Fixtures").events(
            warehouse.catalog(),
            jpype.JClass("org.apache.iceberg.catalog.TableIdentifier").of("db", name),
            options,
        )
    finally:
        warehouse.close()
    print(f"generated in {time.time() - started:.0f} s", flush=True)
    return str(directory)


def data_files(table: str) -> list:
    import floe

    files = []
    for split in floe._splits.planned_splits(table, 1 << 62):
        files.extend(split.files)
    return sorted(set(files))


def run_ray(table: str, heap: str, java_options: str, batch_size: int) -> dict:
    """In this process: the driver plans and consumes; one worker reads."""
    import ray

    # the workers' JVM (the driver only plans)
    os.environ["FLOE_JAVA_OPTS"] = f"-Xmx{heap} {java_options}".strip()
    import floe.ray

    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        sampler = Sampler(worker_pids)
        started = time.time()
        ds = floe.ray.read_iceberg(table, batch_size=batch_size)
        rows, id_sum = 0, 0
        for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
            rows += batch.num_rows
            id_sum += batch.column("id").to_numpy().sum(dtype="int64").item()
        seconds = time.time() - started
        sampler.stop()
        workers = worker_pids()
        peaks = sorted((vm_hwm_mib(pid) for pid in workers), reverse=True)
        return {
            "rows": rows,
            "id_sum": id_sum,
            "seconds": round(seconds, 1),
            "worker_peak_rss_mib": round(peaks[0], 1),
            "other_workers_peak_rss_mib": [round(p, 1) for p in peaks[1:]],
            "driver_peak_rss_mib": round(vm_hwm_mib(), 1),
        "worker_peak_anon_mib": round(sampler.peak("RssAnon"), 1),
        "worker_peak_shmem_mib": round(sampler.peak("RssShmem"), 1),
        }
    finally:
        ray.shutdown()


def run_pyarrow(files: list, mode: str) -> dict:
    import pyarrow.dataset as ds

    started = time.time()
    dataset = ds.dataset(files, format="parquet")
    if mode == "to_table":
        table = dataset.to_table()
        rows = table.num_rows
    else:
        rows = sum(batch.num_rows for batch in dataset.to_batches())
    return {
        "rows": rows,
        "seconds": round(time.time() - started, 1),
        "peak_rss_mib": round(vm_hwm_mib(), 1),
    }


def child(*args) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000_000)
    parser.add_argument("--row-group-mb", type=int, default=64)
    parser.add_argument("--heap", default="256m")
    parser.add_argument("--java-options", default="", help="more JVM options for the worker")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument(
        "--tables", type=Path, default=Path.home() / ".cache" / "floe-memory-python"
    )
    parser.add_argument("--child", choices=["ray", "to_table", "to_batches"])
    parser.add_argument("--table")
    args = parser.parse_args()

    if args.child == "ray":
        print(json.dumps(run_ray(args.table, args.heap, args.java_options, args.batch_size)))
        return
    if args.child:
        print(json.dumps(run_pyarrow(json.loads(args.table), args.child)))
        return

    table = ensure_table(args.tables, args.rows, args.row_group_mb)
    files = data_files(table)
    size = sum(os.path.getsize(path) for path in files)
    print(f"table {table}: {len(files)} data files, {size / 1e9:.2f} GB", flush=True)
    floe_ray = child("--child", "ray", "--table", table, "--heap", args.heap,
                     f"--java-options={args.java_options}", "--batch-size", str(args.batch_size))
    print("floe.ray:", floe_ray, flush=True)
    to_table = child("--child", "to_table", "--table", json.dumps(files))
    print("pyarrow to_table:", to_table, flush=True)
    to_batches = child("--child", "to_batches", "--table", json.dumps(files))
    print("pyarrow to_batches:", to_batches, flush=True)
    print()
    print(f"| reader ({size / 1e9:.2f} GB Parquet, {args.row_group_mb} MiB row groups) "
          "| rows | time s | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| `floe.ray.read_iceberg`, one worker, JVM -Xmx{args.heap} {args.java_options} "
          "(worker's VmHWM) "
          f"| {floe_ray['rows']:,} | {floe_ray['seconds']} | {floe_ray['worker_peak_rss_mib']:.0f} |")
    print(f"| pyarrow `dataset(files).to_table()` | {to_table['rows']:,} | "
          f"{to_table['seconds']} | {to_table['peak_rss_mib']:.0f} |")
    print(f"| pyarrow `dataset(files).to_batches()`, streamed | {to_batches['rows']:,} | "
          f"{to_batches['seconds']} | {to_batches['peak_rss_mib']:.0f} |")

    print()
    print(f"Floe worker: peak RssAnon {floe_ray['worker_peak_anon_mib']:.0f} MiB, RssShmem "
          f"{floe_ray['worker_peak_shmem_mib']:.0f} MiB; driver {floe_ray['driver_peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
