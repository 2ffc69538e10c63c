package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code floe head} prints as it reads, so the number of rows does not bound the heap; and running
 * out of heap anyway is a one-line failure.
 */
class TestBoundedHead {
  private static final String EVENTS = "db.events";
  private static final int ROWS = 100_000;

  @TempDir static Path warehouse;

  @BeforeAll
  static void eventsTable() throws IOException {
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      Fixtures.events(
          home.catalog(), TableIdentifier.parse(EVENTS), FixtureOptions.defaults().withRows(ROWS));
    }
  }

  /**
   * 100,000 rows of the event table, held as cells, need well over 64 MiB of heap (the command died
   * with OutOfMemoryError at 50,000 rows when it collected the table before printing it).
   */
  @Test
  void headOfEveryRowRunsInASmallHeap() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-Xmx64m",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.floe.cli.Floe",
            "head",
            EVENTS,
            "--warehouse",
            warehouse.toString(),
            "-n",
            "1000000");
    Process process = new ProcessBuilder(command).start();
    CompletableFuture<String> errors =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    long lines = 0;
    String last = null;
    int bar = -1;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines += 1;
        last = line;
        if (lines == 1) {
          bar = line.indexOf(" | ");
        } else if (lines <= TextTable.WINDOW + 2) {
          assertThat(line.indexOf(lines == 2 ? "-+-" : " | ")).as(line).isEqualTo(bar);
        }
      }
    } finally {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(process.exitValue()).as(errors.get()).isZero();
    assertThat(errors.get()).isEmpty();
    long printed = lines - 3; // header, rule, row count
    assertThat(printed).isGreaterThan(ROWS * 9 / 10).isLessThanOrEqualTo(ROWS);
    assertThat(last).isEqualTo(String.format("(%,d rows)", printed));
  }

  @Test
  void outOfMemoryIsOneLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandIo io =
        new CommandIo(out, new PrintStream(err, true, StandardCharsets.UTF_8), false, false);
    CommandLine commandLine = Floe.commandLine(io).addSubcommand(new Hungry());
    int exit = Floe.execute(commandLine, io, "hungry");
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("floe hungry: Out of memory (Java heap space); give the JVM more with")
        .contains("FLOE_JAVA_OPTS=-Xmx")
        .hasLineCount(1);
  }

  /** A command that fails as a head of a huge table did, without filling the test JVM's heap. */
  @Command(name = "hungry")
  static final class Hungry implements Runnable {
    @Override
    public void run() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
