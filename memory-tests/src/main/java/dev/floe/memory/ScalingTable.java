package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * The Markdown scaling table: one line per table with its size, Floe's streaming peak RSS per batch
 * size, each materializing baseline's peak RSS (or "OOM"), their ratio and bytes per row.
 */
final class ScalingTable {
  private final List<CachedTable> tables;
  private final List<RunResult> runs;
  private final int referenceBatch;

  /**
   * @param referenceBatch the streaming batch size the ratio and bytes-per-row columns use
   */
  ScalingTable(List<CachedTable> tables, List<RunResult> runs, int referenceBatch) {
    // Grouped by format, smallest table first, so a format's lines read as a scaling series.
    this.tables =
        requireNonNull(tables, "tables is null").stream()
            .sorted(
                Comparator.comparing((CachedTable table) -> table.spec().format().name())
                    .reversed()
                    .thenComparingLong(CachedTable::dataBytes))
            .toList();
    this.runs = List.copyOf(requireNonNull(runs, "runs is null"));
    this.referenceBatch = referenceBatch;
  }

  /** A materializing baseline under one set of limits: one column of the table. */
  private record Baseline(ReadMode mode, JvmLimits limits) {
    String header() {
      return mode.label() + ", " + limits.heapLabel() + ": peak RSS MiB";
    }
  }

  String markdown() {
    TreeSet<Integer> batches = new TreeSet<>();
    Map<Baseline, Boolean> baselines = new LinkedHashMap<>();
    for (RunResult run : runs) {
      if (run.request().mode() == ReadMode.FLOE_STREAMING) {
        batches.add(run.request().batchSize());
      } else if (run.request().mode().materializes()) {
        baselines.put(new Baseline(run.request().mode(), run.limits()), true);
      }
    }
    List<String> header = new ArrayList<>(List.of("table", "rows", "data MB"));
    for (int batch : batches) {
      header.add("Floe streaming, batch " + count(batch) + ": peak RSS MiB");
    }
    baselines.keySet().forEach(baseline -> header.add(baseline.header()));
    header.add("ratio (materialized / streaming)");
    header.add("streaming B/row");
    header.add("materialized B/row held");
    StringBuilder out = new StringBuilder();
    row(out, header);
    row(out, header.stream().map(h -> h.equals("table") ? "---" : "---:").toList());
    for (CachedTable table : tables) {
      if (runsOf(table).isEmpty()) {
        continue;
      }
      List<String> cells = new ArrayList<>();
      cells.add(table.spec().layout());
      cells.add(String.format(Locale.ROOT, "%,d", table.metadataRows()));
      cells.add(String.format(Locale.ROOT, "%,.0f", table.dataBytes() / 1e6));
      for (int batch : batches) {
        cells.add(find(table, ReadMode.FLOE_STREAMING, batch, null).map(this::cell).orElse(""));
      }
      List<RunResult> materialized = new ArrayList<>();
      for (Baseline baseline : baselines.keySet()) {
        Optional<RunResult> run = find(table, baseline.mode(), null, baseline.limits());
        run.ifPresent(materialized::add);
        cells.add(run.map(this::cell).orElse(""));
      }
      Optional<RunResult> streaming = find(table, ReadMode.FLOE_STREAMING, referenceBatch, null);
      cells.add(ratio(streaming, materialized));
      cells.add(
          streaming
              .filter(run -> run.status() == RunResult.Status.COMPLETED && run.rows() > 0)
              .map(
                  run ->
                      String.format(Locale.ROOT, "%.1f", run.peakRssBytes() / (double) run.rows()))
              .orElse(""));
      cells.add(materializedBytesPerRow(materialized));
      row(out, cells);
    }
    return out.toString();
  }

  /** Peak RSS, or the way the run ended and how far it got. */
  private String cell(RunResult run) {
    return switch (run.status()) {
      case COMPLETED -> String.format(Locale.ROOT, "%.0f", run.peakRssMib());
      case OUT_OF_MEMORY ->
          String.format(
              Locale.ROOT, "OOM after %s rows (%.0f)", count(run.rows()), run.peakRssMib());
      case FAILED -> "failed";
      case TIMED_OUT -> String.format(Locale.ROOT, "timed out after %s rows", count(run.rows()));
    };
  }

  private static String ratio(Optional<RunResult> streaming, List<RunResult> materialized) {
    if (streaming.isEmpty() || streaming.get().status() != RunResult.Status.COMPLETED) {
      return "";
    }
    long streamingPeak = streaming.get().peakRssBytes();
    OptionalDouble ratio =
        materialized.stream()
            .filter(run -> run.status() == RunResult.Status.COMPLETED)
            .mapToDouble(run -> run.peakRssBytes() / (double) streamingPeak)
            .max();
    if (ratio.isEmpty()) {
      return materialized.isEmpty() ? "" : "n/a (materializing ran out of memory)";
    }
    return String.format(Locale.ROOT, "%.1fx", ratio.getAsDouble());
  }

  /**
   * What each materialized row holds, from the run that got furthest: the heap left after garbage
   * collection per row for IcebergGenerics records, the Arrow allocator's peak per row for kept
   * batches. Unlike RSS, both are independent of heap pre-touching.
   */
  private static String materializedBytesPerRow(List<RunResult> materialized) {
    return materialized.stream()
        .filter(run -> run.rows() > 0 && run.report() != null)
        .max(Comparator.comparingLong(RunResult::rows))
        .map(
            run -> {
              long held =
                  run.request().mode() == ReadMode.GENERICS_LIST
                      ? run.report().heapAfterGcPeakBytes()
                      : run.report().arrowPeakBytes();
              return String.format(
                  Locale.ROOT,
                  "%.0f (%s)",
                  held / (double) run.rows(),
                  run.request().mode().label());
            })
        .orElse("");
  }

  /** Peak RSS of the JVM baseline run (table loaded and planned, no row read), 0 if none ran. */
  long baselineRss() {
    return runs.stream()
        .filter(run -> run.request().mode() == ReadMode.BASELINE)
        .filter(run -> run.status() == RunResult.Status.COMPLETED)
        .mapToLong(RunResult::peakRssBytes)
        .min()
        .orElse(0);
  }

  private List<RunResult> runsOf(CachedTable table) {
    return runs.stream()
        .filter(run -> run.request().table().equals(table.identifier()))
        .filter(run -> run.request().mode() != ReadMode.BASELINE)
        .toList();
  }

  /** The last run of {@code table} in {@code mode}, optionally of a batch size and limits. */
  private Optional<RunResult> find(
      CachedTable table, ReadMode mode, Integer batch, JvmLimits limits) {
    RunResult found = null;
    for (RunResult run : runsOf(table)) {
      if (run.request().mode() == mode
          && (batch == null || run.request().batchSize() == batch)
          && (limits == null || Objects.equals(run.limits(), limits))) {
        found = run;
      }
    }
    return Optional.ofNullable(found);
  }

  /** 1K, 10K, 1M, 2.3M, 150M, 990,195 -> "990K". */
  static String count(long value) {
    if (value >= 1_000_000) {
      return trim(value / 1e6) + "M";
    }
    if (value >= 1_000) {
      return trim(value / 1e3) + "K";
    }
    return Long.toString(value);
  }

  private static String trim(double value) {
    String text = String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }

  private static void row(StringBuilder out, List<String> cells) {
    out.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }
}
