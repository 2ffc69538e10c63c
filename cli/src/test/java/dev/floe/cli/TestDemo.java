package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestDemo {
  @TempDir Path dir;

  @Test
  void createsTheTablesOnceThenReadsThemAgain() {
    Path warehouse = dir.resolve("warehouse");
    String first = runDemo(warehouse);
    assertThat(first).contains("Creating demo.events_parquet").contains("Creating demo.events_orc");
    assertThat(warehouse.resolve("catalog.db")).exists();
    String second = runDemo(warehouse);
    assertThat(second).contains("exists; reading it as it is").doesNotContain("Creating");
    assertThat(rowsLine(first)).isEqualTo(rowsLine(second));
  }

  private static String rowsLine(String output) {
    return output.lines().filter(line -> line.trim().startsWith("rows")).toList().toString();
  }

  private static String runDemo(Path warehouse) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit =
          Floe.run(
              "demo", "--warehouse", warehouse.toString(), "--rows", "3000", "--batch-size", "500");
      assertThat(exit).isZero();
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
