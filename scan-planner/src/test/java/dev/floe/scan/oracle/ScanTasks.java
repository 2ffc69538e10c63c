package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Compares what Iceberg plans for the current snapshot, read through the prefix mapping, with the
 * meta file's {@code scan_tasks}: the same data files, each with the same set of delete files
 * (paths relative to the table location, plus every attribute the meta file records).
 */
final class ScanTasks {
  private ScanTasks() {}

  static void assertPlannedLikeSpark(Oracle oracle, Table table) {
    String root = oracle.meta().get("table_location").asText() + "/";
    Map<String, String> expected = new TreeMap<>();
    for (JsonNode task : oracle.meta().get("scan_tasks")) {
      expected.put(task.get("data_file").asText(), describeExpected(task));
    }
    Map<String, String> actual = new TreeMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        String path = relative(root, file.location());
        assertThat(actual).as("data file planned twice: %s", path).doesNotContainKey(path);
        actual.put(path, describe(root, task));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(actual).as("scan tasks of %s", oracle).isEqualTo(expected);
  }

  private static String describeExpected(JsonNode task) {
    StringBuilder out =
        new StringBuilder()
            .append(task.get("format").asText())
            .append(" records=")
            .append(task.get("record_count").asLong())
            .append(" bytes=")
            .append(task.get("file_size_in_bytes").asLong())
            .append(" spec=")
            .append(task.get("spec_id").asInt())
            .append(" partition=")
            .append(task.get("partition").asText())
            .append(" seq=")
            .append(task.get("data_sequence_number").asLong())
            .append(" splits=")
            .append(task.get("row_groups_or_stripes").asInt());
    List<String> deletes = new ArrayList<>();
    for (JsonNode delete : task.get("deletes")) {
      deletes.add(
          String.format(
              "%s %s %s records=%d ref=%s offset=%s size=%s seq=%d",
              delete.get("delete_file").asText(),
              delete.get("content").asText(),
              delete.get("format").asText(),
              delete.get("record_count").asLong(),
              text(delete.get("referenced_data_file")),
              text(delete.get("content_offset")),
              text(delete.get("content_size_in_bytes")),
              delete.get("data_sequence_number").asLong()));
    }
    deletes.sort(null);
    return out.append(" deletes=").append(deletes).toString();
  }

  private static String describe(String root, FileScanTask task) {
    DataFile file = task.file();
    StringBuilder out =
        new StringBuilder()
            .append(file.format())
            .append(" records=")
            .append(file.recordCount())
            .append(" bytes=")
            .append(file.fileSizeInBytes())
            .append(" spec=")
            .append(file.specId())
            .append(" partition=")
            .append(partition(task.spec(), file))
            .append(" seq=")
            .append(file.dataSequenceNumber())
            .append(" splits=")
            .append(file.splitOffsets() == null ? "?" : file.splitOffsets().size());
    List<String> deletes = new ArrayList<>();
    for (DeleteFile delete : task.deletes()) {
      deletes.add(
          String.format(
              "%s %s %s records=%d ref=%s offset=%s size=%s seq=%d",
              relative(root, delete.location()),
              delete.content(),
              delete.format(),
              delete.recordCount(),
              delete.referencedDataFile() == null
                  ? "null"
                  : relative(root, delete.referencedDataFile()),
              delete.contentOffset(),
              delete.contentSizeInBytes(),
              delete.dataSequenceNumber()));
    }
    deletes.sort(null);
    return out.append(" deletes=").append(deletes).toString();
  }

  /** {@code {category=alpha}}, {@code {category=null}} or {@code {}} like the meta file. */
  private static String partition(PartitionSpec spec, ContentFile<?> file) {
    StructLike values = file.partition();
    List<String> parts = new ArrayList<>();
    List<PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      parts.add(fields.get(i).name() + "=" + values.get(i, Object.class));
    }
    return "{" + String.join(", ", parts) + "}";
  }

  private static String relative(String root, String location) {
    assertThat(location).as("a path of the table").startsWith(root);
    return location.substring(root.length());
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? "null" : node.asText();
  }
}
