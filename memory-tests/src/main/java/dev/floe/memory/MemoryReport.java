package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.FileFormat;

/**
 * Writes what a suite measured into a directory: {@code memory.md} (the scaling table and every
 * run), {@code rss.png} (RSS over time, streaming vs materializing, per format), {@code runs.csv}
 * and {@code rss-series.csv} (the raw figures).
 */
public final class MemoryReport {
  private final String title;
  private final List<CachedTable> tables;
  private final List<RunResult> runs;
  private final int referenceBatch;
  private final double limitMib;
  private final String limitLabel;

  /**
   * @param referenceBatch the streaming batch size plotted and used for ratios
   * @param limitMib a bound drawn on the plot (0 for none), described by {@code limitLabel}
   */
  public MemoryReport(
      String title,
      List<CachedTable> tables,
      List<RunResult> runs,
      int referenceBatch,
      double limitMib,
      String limitLabel) {
    this.title = requireNonNull(title, "title is null");
    this.tables = List.copyOf(requireNonNull(tables, "tables is null"));
    this.runs = List.copyOf(requireNonNull(runs, "runs is null"));
    this.referenceBatch = referenceBatch;
    this.limitMib = limitMib;
    this.limitLabel = requireNonNull(limitLabel, "limitLabel is null");
  }

  /** Writes the report files into {@code dir} and returns the Markdown file. */
  public Path write(Path dir) {
    requireNonNull(dir, "dir is null");
    try {
      Files.createDirectories(dir);
      List<RssPlot.Panel> panels = panels();
      if (!panels.isEmpty()) {
        RssPlot.write(dir.resolve("rss.png"), panels, limitMib, limitLabel);
      }
      Files.writeString(dir.resolve("runs.csv"), runsCsv(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("rss-series.csv"), seriesCsv(), StandardCharsets.UTF_8);
      Path markdown = dir.resolve("memory.md");
      Files.writeString(markdown, markdown(!panels.isEmpty()), StandardCharsets.UTF_8);
      return markdown;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the memory report to " + dir, e);
    }
  }

  /** The report's Markdown. */
  public String markdown(boolean withPlot) {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(title).append("\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Machine: %d CPUs, %.1f GiB RAM; %s %s. Peak RSS is the child JVM's VmHWM.%n%n",
            Runtime.getRuntime().availableProcessors(),
            totalRamBytes() / (1024.0 * 1024 * 1024),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version")));
    out.append(limitsLine()).append("\n\n");
    ScalingTable scaling = new ScalingTable(tables, runs, referenceBatch);
    if (scaling.baselineRss() > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "JVM baseline (same flags; table loaded and planned, no row read): %.0f MiB.%n%n",
              scaling.baselineRss() / (1024.0 * 1024.0)));
    }
    out.append(scaling.markdown()).append('\n');
    if (withPlot) {
      out.append("![RSS over time](rss.png)\n\n");
    }
    out.append("## Every run\n\n");
    out.append(
        "| table | mode | batch | limits | outcome | rows | checksum | peak RSS MiB |"
            + " heap after GC MiB | Arrow peak MiB | read s |\n");
    out.append("| --- | --- | ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: |\n");
    for (RunResult run : runs) {
      ChildReport report = run.report();
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %,d | %s | %.0f | %s | %s | %.1f |%n",
              layout(run),
              run.request().mode().label(),
              run.request().mode() == ReadMode.GENERICS_LIST
                  ? ""
                  : ScalingTable.count(run.request().batchSize()),
              run.limits(),
              run.status(),
              run.rows(),
              checksumCell(run),
              run.peakRssMib(),
              report == null ? "" : mib(report.heapAfterGcPeakBytes()),
              report == null ? "" : mib(report.arrowPeakBytes()),
              run.readSeconds()));
    }
    return out.toString();
  }

  private String limitsLine() {
    Map<String, List<String>> byLimits = new LinkedHashMap<>();
    for (RunResult run : runs) {
      byLimits
          .computeIfAbsent(run.limits().toString(), key -> new ArrayList<>())
          .add(run.request().mode().label());
    }
    List<String> parts = new ArrayList<>();
    byLimits.forEach(
        (limits, modes) ->
            parts.add(limits + " (" + String.join(", ", modes.stream().distinct().toList()) + ")"));
    return "Limits: " + String.join("; ", parts) + ".";
  }

  /** Per format: its largest streamed table, with streaming and every materializing run on it. */
  private List<RssPlot.Panel> panels() {
    List<RssPlot.Panel> panels = new ArrayList<>();
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      Optional<CachedTable> largest =
          tables.stream()
              .filter(table -> table.spec().format() == format)
              .filter(table -> streamingRun(table).isPresent())
              .max(Comparator.comparingLong(CachedTable::dataBytes));
      if (largest.isEmpty()) {
        continue;
      }
      CachedTable table = largest.get();
      List<RunResult> drawn = new ArrayList<>();
      drawn.add(streamingRun(table).get());
      for (RunResult run : runs) {
        if (run.request().table().equals(table.identifier())
            && run.request().mode().materializes()) {
          drawn.add(run);
        }
      }
      panels.add(
          new RssPlot.Panel(
              String.format(
                  Locale.ROOT,
                  "%s: %s rows, %.0f MB of data",
                  table.spec().layout(),
                  ScalingTable.count(table.metadataRows()),
                  table.dataBytes() / 1e6),
              drawn));
    }
    return panels;
  }

  private Optional<RunResult> streamingRun(CachedTable table) {
    return runs.stream()
        .filter(run -> run.request().table().equals(table.identifier()))
        .filter(run -> run.request().mode() == ReadMode.FLOE_STREAMING)
        .filter(run -> run.request().batchSize() == referenceBatch)
        .reduce((first, second) -> second);
  }

  private String runsCsv() {
    StringBuilder out =
        new StringBuilder(
            "table,mode,batch,heap_bytes,direct_bytes,allocator_bytes,status,exit_code,rows,"
                + "checksum,peak_rss_bytes,heap_after_gc_peak_bytes,arrow_peak_bytes,read_seconds,"
                + "process_millis,error\n");
    for (RunResult run : runs) {
      ChildReport report = run.report();
      out.append(
              String.join(
                  ",",
                  run.request().table(),
                  run.request().mode().name(),
                  Integer.toString(run.request().batchSize()),
                  Long.toString(run.limits().heapBytes()),
                  Long.toString(run.limits().directBytes()),
                  Long.toString(run.limits().allocatorBytes()),
                  run.status().name(),
                  Integer.toString(run.exitCode()),
                  Long.toString(run.rows()),
                  Long.toString(run.checksum()),
                  Long.toString(run.peakRssBytes()),
                  report == null ? "" : Long.toString(report.heapAfterGcPeakBytes()),
                  report == null ? "" : Long.toString(report.arrowPeakBytes()),
                  String.format(Locale.ROOT, "%.3f", run.readSeconds()),
                  Long.toString(run.processMillis()),
                  csvText(report == null ? null : report.error())))
          .append('\n');
    }
    return out.toString();
  }

  private String seriesCsv() {
    StringBuilder out = new StringBuilder("table,mode,batch,heap_bytes,millis,rss_bytes\n");
    for (RunResult run : runs) {
      for (RssSample sample : run.samples()) {
        out.append(run.request().table())
            .append(',')
            .append(run.request().mode().name())
            .append(',')
            .append(run.request().batchSize())
            .append(',')
            .append(run.limits().heapBytes())
            .append(',')
            .append(sample.millis())
            .append(',')
            .append(sample.rssBytes())
            .append('\n');
      }
    }
    return out.toString();
  }

  private String layout(RunResult run) {
    return tables.stream()
        .filter(table -> table.identifier().equals(run.request().table()))
        .findFirst()
        .map(
            table ->
                table.spec().layout() + ", " + ScalingTable.count(table.metadataRows()) + " rows")
        .orElse(run.request().table());
  }

  private String checksumCell(RunResult run) {
    if (run.status() != RunResult.Status.COMPLETED || run.request().mode() == ReadMode.BASELINE) {
      return "";
    }
    return tables.stream()
        .filter(table -> table.identifier().equals(run.request().table()))
        .findFirst()
        .map(
            table -> {
              if (table.reference().isEmpty()) {
                return run.rows() == table.metadataRows() ? "rows = metadata" : "ROWS DIFFER";
              }
              CachedTable.Reference reference = table.reference().get();
              return run.checksum() == reference.checksum() && run.rows() == reference.rows()
                  ? "= IcebergGenerics"
                  : "DIFFERS from IcebergGenerics";
            })
        .orElse("");
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f", bytes / (1024.0 * 1024.0));
  }

  private static String csvText(String text) {
    return text == null ? "" : '"' + text.replace("\"", "\"\"").replace('\n', ' ') + '"';
  }

  private static long totalRamBytes() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }
}
