package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.export.CanonicalJson;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Runs a Floe scan and returns its rows as canonical lines sorted by id, checking on the way the
 * batch contract (1..batchSize rows per batch) and, by closing its own {@link RootAllocator}, that
 * the stream leaked no buffer.
 */
final class FloeLines {
  private static final int MAX_REPORTED = 25;

  private FloeLines() {}

  /** The scan's rows, canonical and sorted by the {@code id} column, which it must select. */
  static List<String> read(DataScan scan, int batchSize) {
    List<IdLine> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      CanonicalJson json = CanonicalJson.forSchema(stream.icebergSchema());
      for (VectorSchemaRoot batch : stream) {
        assertThat(batch.getRowCount()).as("rows in a batch").isBetween(1, batchSize);
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        for (int row = 0; row < batch.getRowCount(); row++) {
          rows.add(new IdLine(ids.get(row), json.line(batch, row)));
        }
      }
    }
    rows.sort(Comparator.comparingLong(IdLine::id));
    List<String> lines = new ArrayList<>(rows.size());
    rows.forEach(row -> lines.add(row.line()));
    return lines;
  }

  /** The number of rows the scan returns, with the same batch checks. */
  static long count(DataScan scan, int batchSize) {
    long rows = 0;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      for (VectorSchemaRoot batch : stream) {
        assertThat(batch.getRowCount()).as("rows in a batch").isBetween(1, batchSize);
        rows += batch.getRowCount();
      }
    }
    return rows;
  }

  /**
   * The differences between expected and actual lines, by id and column, e.g. {@code id=5 f:
   * expected -0 but was 0}; empty when they are equal. Lines are keyed by their {@code id} member.
   */
  static List<String> differences(List<String> expected, List<String> actual) {
    Map<String, Map<String, String>> want = byId(expected);
    Map<String, Map<String, String>> got = byId(actual);
    List<String> report = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>(want.keySet());
    missing.removeAll(got.keySet());
    Set<String> extra = new LinkedHashSet<>(got.keySet());
    extra.removeAll(want.keySet());
    if (!missing.isEmpty()) {
      report.add(missing.size() + " rows missing, ids " + first(missing));
    }
    if (!extra.isEmpty()) {
      report.add(extra.size() + " unexpected rows, ids " + first(extra));
    }
    if (expected.size() != want.size() || actual.size() != got.size()) {
      report.add(
          String.format(
              "duplicate ids: %d expected lines with %d ids, %d actual lines with %d ids",
              expected.size(), want.size(), actual.size(), got.size()));
    }
    int differing = 0;
    for (Map.Entry<String, Map<String, String>> row : want.entrySet()) {
      Map<String, String> other = got.get(row.getKey());
      if (other == null || other.equals(row.getValue())) {
        continue;
      }
      differing++;
      if (report.size() >= MAX_REPORTED) {
        continue;
      }
      if (!other.keySet().equals(row.getValue().keySet())) {
        report.add(
            String.format(
                "id=%s columns: expected %s but was %s",
                row.getKey(), row.getValue().keySet(), other.keySet()));
        continue;
      }
      for (Map.Entry<String, String> column : row.getValue().entrySet()) {
        String value = other.get(column.getKey());
        if (!column.getValue().equals(value)) {
          report.add(
              String.format(
                  "id=%s %s: expected %s but was %s",
                  row.getKey(), column.getKey(), column.getValue(), value));
        }
      }
    }
    if (differing > 0) {
      report.add(differing + " rows differ in total");
    }
    if (report.isEmpty() && !expected.equals(actual)) {
      report.add("same rows in a different order");
    }
    return report;
  }

  private static Map<String, Map<String, String>> byId(List<String> lines) {
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (String line : lines) {
      Map<String, String> members = JsonLine.members(line);
      rows.put(members.get("id"), members);
    }
    return rows;
  }

  private static String first(Set<String> ids) {
    // Numeric order, so the report shows the smallest ids first.
    TreeMap<Long, String> sorted = new TreeMap<>();
    ids.forEach(id -> sorted.put(Long.parseLong(id), id));
    List<Long> head = new ArrayList<>(sorted.keySet()).subList(0, Math.min(20, sorted.size()));
    return head + (sorted.size() > head.size() ? " ..." : "");
  }

  private record IdLine(long id, String line) {}
}
