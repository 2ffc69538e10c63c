# Floe build entry points. Java 17 + Maven are the only prerequisites.
MVN ?= mvn -B -ntp

.PHONY: build test demo fmt clean

build:
	$(MVN) -q -DskipTests install

test:
	$(MVN) install

demo: build
	$(MVN) -q -pl cli exec:java -Dexec.mainClass=dev.floe.cli.Floe -Dexec.args="demo"

fmt:
	$(MVN) -q spotless:apply

clean:
	$(MVN) -q clean
