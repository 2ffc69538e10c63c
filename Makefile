# Floe build entry points. Java 17 + Maven are the only prerequisites.
MVN ?= mvn -B -ntp

.PHONY: build test demo bench bench-splits fmt clean memory-test

## build: compile everything and produce bin/floe's classpath (no tests)
build:
	$(MVN) -q -DskipTests install

## test: the whole default test suite (what CI runs)
test:
	$(MVN) install

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

## bench-splits: one data file of 8 row groups read as 8 splits on BENCH_PARALLELISM threads vs one scan
SPLITS_ROWS ?= 8000000
SPLITS_FORMAT ?= PARQUET
bench-splits: build
	$(MVN) -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	  -cp benchmarks/target/floe-benchmarks-0.1.0-SNAPSHOT.jar:$$(cat benchmarks/target/classpath.txt) \
	  dev.floe.bench.SplitsBenchmark $(SPLITS_ROWS) $(BENCH_ROUNDS) benchmarks/target/tables $(BENCH_PARALLELISM) $(SPLITS_FORMAT)

## memory-test: full-size RSS suite, not in CI (152M-row Parquet and ORC tables, >150M rows after deletes, 4 sizes x 4 batch
## sizes; the first run generates ~14 GB of tables into FLOE_MEMORY_TABLES, ~1 h on 2 cores).
## Report: memory-tests/target/memory-report-full/ (memory.md, rss.png).
FLOE_MEMORY_TABLES ?= $(HOME)/.cache/floe-memory
memory-test:
	$(MVN) -pl memory-tests -am test -Dfloe.memory.full=true -Dfloe.memory.tables=$(FLOE_MEMORY_TABLES) \
	  -Dfloe.memory.quiet=false -Dtest='dev.floe.memory.TestFullSizeBoundedMemory' \
	  -Dsurefire.failIfNoSpecifiedTests=false
