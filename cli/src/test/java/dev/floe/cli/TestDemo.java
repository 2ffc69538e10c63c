package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(first).contains("First rows:").contains("| category |").contains("peak RSS");
    assertThat(warehouse.resolve("catalog.db")).exists();
    String second = runDemo(warehouse);
    assertThat(second).contains("exists; reading it as it is").doesNotContain("Creating");
    assertThat(rowsLine(first)).isEqualTo(rowsLine(second));

    // the demo's catalog is the CLI's default catalog
    Cli.Result tables = Cli.run("tables", "--warehouse", warehouse.toString());
    assertThat(tables.out().lines()).containsExactly("demo.events_orc", "demo.events_parquet");
    Cli.Result head =
        Cli.run("head", "demo.events_orc", "--warehouse", warehouse.toString(), "-n", "2");
    assertThat(head.out()).contains("(2 rows)");
  }

  private static String rowsLine(String output) {
    return output.lines().filter(line -> line.trim().startsWith("rows")).toList().toString();
  }

  private static String runDemo(Path warehouse) {
    Cli.Result result =
        Cli.run(
            "demo", "--warehouse", warehouse.toString(), "--rows", "3000", "--batch-size", "500");
    assertThat(result.exit()).as(result.toString()).isZero();
    return result.out();
  }
}
