package dev.floe.scan;

import dev.floe.scan.DamageFuzzer.Outcome;
import dev.floe.scan.DamageFuzzer.Trial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The outcomes of a format's damaged reads, counted per damage kind, region and file, as Markdown.
 */
final class FuzzReport {
  private FuzzReport() {}

  static String markdown(String format, long seed, List<Trial> trials, long millis) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "## %s: %,d damaged reads, seed %d, %.1f s%n%n",
            format, trials.size(), seed, millis / 1000.0));
    table(out, "damage", trials, trial -> trial.damage().kind().toString());
    table(out, "file", trials, trial -> trial.target().content());
    table(
        out,
        "region",
        trials,
        trial ->
            trial.target().content().startsWith("deletion")
                ? "dv " + trial.damage().region().kind()
                : trial.damage().region().kind());
    long spins =
        trials.stream()
            .filter(t -> t.detail() != null && t.detail().contains("kept reading past its end"))
            .count();
    out.append(
        String.format(
            "Reads that orc-core looped on until OrcSpinGuard stopped it (failed, file named): %d%n%n",
            spins));
    List<Trial> defects = trials.stream().filter(trial -> !trial.outcome().allowed).toList();
    out.append(String.format("Defects: %d%n", defects.size()));
    for (Trial defect : defects) {
      out.append("- ").append(defect).append('\n');
    }
    out.append('\n');
    return out.toString();
  }

  private static void table(
      StringBuilder out, String by, List<Trial> trials, Function<Trial, String> key) {
    Map<String, Map<Outcome, Integer>> counts = new TreeMap<>();
    Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
    for (Trial trial : trials) {
      counts
          .computeIfAbsent(key.apply(trial), k -> new EnumMap<>(Outcome.class))
          .merge(trial.outcome(), 1, Integer::sum);
      totals.merge(trial.outcome(), 1, Integer::sum);
    }
    out.append("| ").append(by).append(" | tried |");
    for (Outcome outcome : Outcome.values()) {
      out.append(' ').append(header(outcome)).append(" |");
    }
    out.append("\n| --- | ---: |");
    out.append(" ---: |".repeat(Outcome.values().length)).append('\n');
    counts.put("**all**", totals);
    for (Map.Entry<String, Map<Outcome, Integer>> row : counts.entrySet()) {
      int tried = row.getValue().values().stream().mapToInt(Integer::intValue).sum();
      out.append("| ").append(row.getKey()).append(" | ").append(tried).append(" |");
      for (Outcome outcome : Outcome.values()) {
        out.append(' ').append(row.getValue().getOrDefault(outcome, 0)).append(" |");
      }
      out.append('\n');
    }
    out.append('\n');
  }

  private static String header(Outcome outcome) {
    return switch (outcome) {
      case EXACT_ROWS -> "same rows";
      case FAILED_NAMING_THE_FILE -> "failed, file named";
      case OTHER_ROWS_UNCHECKSUMMED -> "other rows (no checksum)";
      case OTHER_ROWS_CHECKSUMMED -> "other rows (checksummed!)";
      case UNCLEAR_ERROR -> "unclear error";
      case HANG -> "hang";
      case OUT_OF_MEMORY -> "OOM";
      case CRASH -> "crash";
      case OPEN_UNTIL_GC -> "fd open until GC";
      case LEAK -> "leak";
    };
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
