# Floe build entry points. Java 17 + Maven are the only prerequisites.
MVN ?= mvn -B -ntp

.PHONY: build test demo bench bench-first-batch bench-first-batch-run bench-narrow bench-narrow-run bench-splits bench-nested bench-nested-run bench-serve fmt clean memory-test fuzz python-env python-test python-memory-test

## build: compile everything and produce bin/floe's classpath (no tests)
build:
	$(MVN) -q -DskipTests install

## test: the whole default test suite (what CI runs): every module's tests, then the Python
## package's (python-test) where Python 3 with JPype is present
test:
	$(MVN) install
	$(MAKE) python-test

## Python: a virtualenv over the system's Python 3 (Debian's python3-jpype is a system package),
## pyarrow, Ray, DuckDB, Polars, pandas and pytest from pip, and `pip install ./python` into it.
PYTHON ?= /usr/bin/python3
VENV ?= python/.venv
PYTHON_PACKAGES ?= pyarrow ray duckdb polars pandas pytest
# a local package index, where the machine has one, instead of waiting on an unreachable one
PIP_OPTS ?= $(if $(wildcard /opt/pypi/simple),--index-url file:///opt/pypi/simple,) --retries 1
VENV_PY = $(abspath $(VENV))/bin/python

## python-env: the virtualenv with the floe package installed from this checkout (after `make build`)
python-env:
	@test -x $(VENV_PY) || $(PYTHON) -m venv --system-site-packages $(VENV)
	@$(VENV_PY) -c "import pyarrow, ray.data, duckdb, polars, pandas, pytest" 2>/dev/null \
	  || $(VENV_PY) -m pip install -q $(PIP_OPTS) $(PYTHON_PACKAGES)
	$(VENV_PY) -m pip install -q $(PIP_OPTS) --no-build-isolation --no-deps --force-reinstall ./python

## python-test: the Python package's tests, run from a temporary directory (as a user would, away
## from the checkout). Skipped with a message where Python 3 or JPype is missing, unless
## FLOE_REQUIRE_PYTHON=1 (CI), where that fails.
python-test:
	@if $(PYTHON) -c "import jpype" 2>/dev/null; then \
	  $(MAKE) --no-print-directory python-env && \
	  cd "$$(mktemp -d)" && $(VENV_PY) -m pytest -q -p no:cacheprovider $(CURDIR)/python/tests; \
	elif [ "$${FLOE_REQUIRE_PYTHON:-0}" = 1 ]; then \
	  echo "python-test: $(PYTHON) with JPype is required (apt-get install python3-jpype)" >&2; exit 1; \
	else \
	  echo "python-test: SKIPPED, no $(PYTHON) with JPype (apt-get install python3-jpype)" >&2; \
	fi

## demo: build, create sample tables with deletes in ./warehouse (SQLite catalog), stream them
demo: build
	bin/floe demo

## fmt: apply google-java-format (the build fails on unformatted code)
fmt:
	$(MVN) -q spotless:apply

clean:
	$(MVN) -q clean

## bench: side-by-side throughput (Floe vs IcebergGenerics vs iceberg-arrow ArrowReader / raw orc-core)
BENCH_ROWS ?= 5000000
BENCH_ROUNDS ?= 5
BENCH_PARALLELISM ?= 2
bench: build
	$(MVN) -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp benchmarks/target/floe-benchmarks-0.1.0-SNAPSHOT.jar:$$(cat benchmarks/target/classpath.txt) \
	  dev.floe.bench.ThroughputBenchmark $(BENCH_ROWS) $(BENCH_ROUNDS) benchmarks/target/tables $(BENCH_PARALLELISM)
	$(MAKE) bench-narrow-run NARROW_EXTRA=events
	$(MAKE) bench-nested-run
	$(MAKE) bench-first-batch-run

## bench-narrow: issue #15's narrow table (12 files; NARROW_ROWS rows in all) at each delete snapshot,
## Floe vs IcebergGenerics vs pyarrow.dataset / DuckDB (python/.venv if present), pinned to one core
## (taskset -c 0) and unpinned; `make bench` also runs the anchors on its events tables
NARROW_ROWS ?= 12000000
NARROW_JAVA = java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp benchmarks/target/floe-benchmarks-0.1.0-SNAPSHOT.jar:$$(cat benchmarks/target/classpath.txt) \
	  dev.floe.bench.NarrowBenchmark $(NARROW_ROWS) $(BENCH_ROUNDS) benchmarks/target/tables
bench-narrow: build
	$(MVN) -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(MAKE) bench-narrow-run
bench-narrow-run:
	taskset -c 0 $(NARROW_JAVA) pinned $(NARROW_EXTRA)
	$(NARROW_JAVA) unpinned $(NARROW_EXTRA)

## python-memory-test: not in CI. One Ray worker reads a >= 1 GB fixture table (generated once into
## FLOE_PYTHON_MEMORY_TABLES) through floe.ray.read_iceberg under a 256 MiB JVM heap; its peak RSS
## is printed next to pyarrow's to_table() of the same files.
FLOE_PYTHON_MEMORY_TABLES ?= $(HOME)/.cache/floe-memory-python
python-memory-test: python-env
	$(VENV_PY) python/benchmarks/ray_memory.py --tables $(FLOE_PYTHON_MEMORY_TABLES)

## bench-splits: one data file of 8 row groups read as 8 splits on BENCH_PARALLELISM threads vs one scan
SPLITS_ROWS ?= 8000000
SPLITS_FORMAT ?= PARQUET
bench-splits: build
	$(MVN) -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp benchmarks/target/floe-benchmarks-0.1.0-SNAPSHOT.jar:$$(cat benchmarks/target/classpath.txt) \
	  dev.floe.bench.SplitsBenchmark $(SPLITS_ROWS) $(BENCH_ROUNDS) benchmarks/target/tables $(BENCH_PARALLELISM) $(SPLITS_FORMAT)

## bench-serve: rows/s floe serve streams to 1, 4 and 16 concurrent Flight clients on loopback, and
## the server's peak RSS (server in a child JVM with -XmxSERVE_XMX)
SERVE_ROWS ?= 2000000
SERVE_XMX ?= 1g
bench-serve: build
	$(MVN) -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	java -Xmx1g --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp benchmarks/target/floe-benchmarks-0.1.0-SNAPSHOT.jar:$$(cat benchmarks/target/classpath.txt) \
	  dev.floe.bench.ServeBenchmark $(SERVE_ROWS) $(BENCH_ROUNDS) benchmarks/target/tables $(SERVE_XMX)

## memory-test: full-size RSS suite, not in CI (152M-row Parquet and ORC tables, >150M rows after deletes, 4 sizes x 4 batch
## sizes; the first run generates ~14 GB of tables into FLOE_MEMORY_TABLES, ~1 h on 2 cores).
## Report: memory-tests/target/memory-report-full/ (memory.md, rss.png).
FLOE_MEMORY_TABLES ?= $(HOME)/.cache/floe-memory
memory-test:
	$(MVN) -pl memory-tests -am test -Dfloe.memory.full=true -Dfloe.memory.tables=$(FLOE_MEMORY_TABLES) \
	  -Dfloe.memory.quiet=false -Dtest='dev.floe.memory.TestFullSizeBoundedMemory' \
	  -Dsurefire.failIfNoSpecifiedTests=false

## bench-nested: Floe vs IcebergGenerics on a Parquet table of nested columns (NESTED_ROWS rows)
NESTED_ROWS ?= 1000000
NESTED_JAVA = java -Xmx3g --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp benchmarks/target/floe-benchmarks-0.1.0-SNAPSHOT.jar:$$(cat benchmarks/target/classpath.txt)
bench-nested: build
	$(MVN) -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(MAKE) bench-nested-run
## bench-nested-run: the nested benchmarks on an existing build (Parquet table; ORC fixture with deletes)
bench-nested-run:
	$(NESTED_JAVA) dev.floe.bench.NestedBenchmark $(NESTED_ROWS) $(BENCH_ROUNDS) benchmarks/target/tables
	$(NESTED_JAVA) dev.floe.bench.NestedOrcBenchmark $(NESTED_ROWS) $(BENCH_ROUNDS) benchmarks/target/tables

## bench-first-batch: time to the first batch with 10 vs 10,000 data files (many-files table, Parquet),
## with a position-delete file per data file and before the deletes; `make bench` runs it too
bench-first-batch: build
	$(MVN) -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(MAKE) bench-first-batch-run
bench-first-batch-run:
	$(NESTED_JAVA) dev.floe.bench.FirstBatchBenchmark 11 benchmarks/target/tables

## fuzz: not in CI. Damages the files of v2 and v3 Parquet and ORC tables with deletes
## FUZZ_MUTATIONS times per format (bit flips, zeroed/random/duplicated ranges, truncations, huge
## lengths in footers, page and stripe headers, pages, dictionaries, stripe footers, Puffin blobs)
## and reads each damaged table under a 10 s watchdog; then stops FUZZ_CANCEL_POINTS scans at random
## points (close from another thread, interrupt, Future.cancel, abandon, limit). Fails on any hang,
## OOM, crash, leak (buffer, thread, open file), unclear error or wrong rows from checksummed bytes.
## Report: scan-planner/target/fuzz/{parquet,orc}.md (outcomes per damage kind, file and region).
FUZZ_MUTATIONS ?= 1000
FUZZ_SEED ?= 14
FUZZ_CANCEL_POINTS ?= 5000
fuzz:
	@status=0; $(MVN) -pl scan-planner -am test -Dtest='TestDamageFuzzing,TestCancellation' \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dfloe.fuzz.mutations=$(FUZZ_MUTATIONS) \
	  -Dfloe.fuzz.seed=$(FUZZ_SEED) -Dfloe.cancel.points=$(FUZZ_CANCEL_POINTS) \
	  -Dfloe.cancel.seed=$(FUZZ_SEED) || status=$$?; \
	cat scan-planner/target/fuzz/parquet.md scan-planner/target/fuzz/orc.md; exit $$status
