package dev.floe.scan;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.BaseFileScanTask;
import org.apache.iceberg.ContentFileParser;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.ScanTaskParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.expressions.ExpressionParser;
import org.apache.iceberg.expressions.ResidualEvaluator;
import org.apache.iceberg.util.JsonUtil;

/**
 * The JSON form of a {@link ScanSplit}, one object on one line, every part written by Iceberg's own
 * parsers:
 *
 * <pre>{@code
 * {"format-version": 1, "table-uuid": "...", "table-name": "db.events", "snapshot-id": 123,
 *  "case-sensitive": true,
 *  "schema": <SchemaParser: the snapshot's schema>,
 *  "projection": <SchemaParser: the data columns handed out, in order>,
 *  "filter": <ExpressionParser: the scan's whole filter>,
 *  "metadata-columns": ["_file", "_pos"],
 *  "name-mapping": <NameMappingParser>,                  (only if the table has one)
 *  "tasks": [<ScanTaskParser: schema, spec, data file, start, length, delete files, residual>],
 *  "delete-specs": [<PartitionSpecParser>]}             (only with deletes of other specs)
 * }</pre>
 *
 * <p>{@code ScanTaskParser} writes a task's delete files with the partition spec of its data file,
 * which fails for a delete file of another spec (an equality delete of an unpartitioned spec
 * applies to the data files of every spec). Such delete files are left out of the task, listed in
 * the task's {@code "delete-files-of-other-specs"} array ({@code ContentFileParser}), and their
 * specs in {@code "delete-specs"}. A data file of a v1 spec whose fields were all removed (void
 * transforms) cannot be written by Iceberg 1.11 at all; {@link #toJson} then fails, naming the
 * file.
 */
final class ScanSplitParser {
  static final int FORMAT_VERSION = 1;

  private static final String FORMAT = "format-version";
  private static final String TABLE_UUID = "table-uuid";
  private static final String TABLE_NAME = "table-name";
  private static final String SNAPSHOT_ID = "snapshot-id";
  private static final String CASE_SENSITIVE = "case-sensitive";
  private static final String SCHEMA = "schema";
  private static final String PROJECTION = "projection";
  private static final String FILTER = "filter";
  private static final String METADATA_COLUMNS = "metadata-columns";
  private static final String NAME_MAPPING = "name-mapping";
  private static final String TASKS = "tasks";
  private static final String DELETE_SPECS = "delete-specs";
  private static final String OTHER_SPEC_DELETES = "delete-files-of-other-specs";
  // Iceberg's task fields this class sets itself
  private static final String TASK_START = "start";
  private static final String TASK_LENGTH = "length";

  private static final String INVALID = "Invalid split";

  private ScanSplitParser() {}

  static String toJson(ScanSplit split) {
    return JsonUtil.generate(generator -> toJson(split, generator), false);
  }

  private static void toJson(ScanSplit split, JsonGenerator generator) throws IOException {
    SplitScan scan = split.scan();
    generator.writeStartObject();
    generator.writeNumberField(FORMAT, FORMAT_VERSION);
    generator.writeStringField(TABLE_UUID, scan.tableUuid());
    generator.writeStringField(TABLE_NAME, scan.tableName());
    generator.writeNumberField(SNAPSHOT_ID, scan.snapshotId());
    generator.writeBooleanField(CASE_SENSITIVE, scan.caseSensitive());
    generator.writeFieldName(SCHEMA);
    SchemaParser.toJson(scan.schema(), generator);
    generator.writeFieldName(PROJECTION);
    SchemaParser.toJson(scan.projection(), generator);
    generator.writeFieldName(FILTER);
    ExpressionParser.toJson(scan.filter(), generator);
    JsonUtil.writeStringArray(METADATA_COLUMNS, scan.metadataColumns(), generator);
    if (scan.nameMapping() != null) {
      generator.writeFieldName(NAME_MAPPING);
      generator.writeRawValue(scan.nameMapping());
    }
    Map<Integer, PartitionSpec> deleteSpecs = new LinkedHashMap<>();
    generator.writeArrayFieldStart(TASKS);
    for (FileScanTask task : split.tasks()) {
      writeTask(task, scan, deleteSpecs, generator);
    }
    generator.writeEndArray();
    if (!deleteSpecs.isEmpty()) {
      generator.writeArrayFieldStart(DELETE_SPECS);
      for (PartitionSpec spec : deleteSpecs.values()) {
        PartitionSpecParser.toJson(spec, generator);
      }
      generator.writeEndArray();
    }
    generator.writeEndObject();
  }

  private static void writeTask(
      FileScanTask task,
      SplitScan scan,
      Map<Integer, PartitionSpec> deleteSpecs,
      JsonGenerator generator)
      throws IOException {
    int specId = task.spec().specId();
    List<DeleteFile> sameSpec = new ArrayList<>();
    List<DeleteFile> otherSpecs = new ArrayList<>();
    for (DeleteFile delete : task.deletes()) {
      (delete.specId() == specId ? sameSpec : otherSpecs).add(delete);
    }
    if (otherSpecs.isEmpty()) {
      generator.writeRawValue(taskJson(task, scan));
      return;
    }
    // The same task without the other specs' deletes; ScanTaskParser writes only Iceberg's own
    // task classes, so it is a whole-file task, given the range afterwards.
    BaseFileScanTask withSameSpec =
        new BaseFileScanTask(
            task.file(),
            sameSpec.toArray(new DeleteFile[0]),
            SchemaParser.toJson(task.schema()),
            PartitionSpecParser.toJson(task.spec()),
            ResidualEvaluator.of(task.spec(), task.residual(), scan.caseSensitive()));
    ObjectNode node = (ObjectNode) JsonUtil.mapper().readTree(taskJson(withSameSpec, scan));
    node.put(TASK_START, task.start());
    node.put(TASK_LENGTH, task.length());
    ArrayNode others = node.putArray(OTHER_SPEC_DELETES);
    for (DeleteFile delete : otherSpecs) {
      PartitionSpec spec = scan.specs().get(delete.specId());
      if (spec == null) {
        throw new IllegalStateException(
            String.format(
                "Cannot write a split of table %s as JSON: no partition spec %d for delete file %s",
                scan.tableName(), delete.specId(), delete.location()));
      }
      deleteSpecs.put(spec.specId(), spec);
      others.add(JsonUtil.mapper().readTree(ContentFileParser.toJson(delete, spec)));
    }
    generator.writeRawValue(node.toString());
  }

  /** Iceberg's JSON of the task, or why it cannot be written (with the way that works). */
  private static String taskJson(FileScanTask task, SplitScan scan) {
    try {
      return ScanTaskParser.toJson(task);
    } catch (IllegalArgumentException e) {
      // e.g. a data file of a v1 spec whose fields were all removed: void transforms make it
      // unpartitioned, but its files keep a partition tuple, which Iceberg 1.11 refuses to write
      throw new UnsupportedOperationException(
          String.format(
              "Cannot write a split of table %s as JSON: Iceberg cannot write the task of %s: %s;"
                  + " ship this split with Java serialization instead",
              scan.tableName(), task.file().location(), e.getMessage()),
          e);
    }
  }

  static ScanSplit fromJson(String json) {
    try {
      return JsonUtil.parse(json, ScanSplitParser::fromJson);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException
          && String.valueOf(e.getMessage()).startsWith(INVALID)) {
        throw e;
      }
      // Iceberg's parsers and Jackson fail with messages about the part they read, not the split
      throw new IllegalArgumentException(INVALID + " JSON: " + e.getMessage(), e);
    }
  }

  private static ScanSplit fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("Invalid split JSON: not an object");
    }
    int version = JsonUtil.getInt(FORMAT, node);
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid split format version: %d, expected %d (written by another Floe version?)",
              version, FORMAT_VERSION));
    }
    boolean caseSensitive = JsonUtil.getBool(CASE_SENSITIVE, node);
    Schema schema = SchemaParser.fromJson(JsonUtil.get(SCHEMA, node));
    JsonNode mapping = node.get(NAME_MAPPING);
    JsonNode tasks = JsonUtil.get(TASKS, node);
    if (!tasks.isArray()) {
      throw new IllegalArgumentException("Invalid split JSON: tasks is not an array");
    }
    Map<Integer, JsonNode> deleteSpecs = new HashMap<>();
    JsonNode specs = node.get(DELETE_SPECS);
    if (specs != null) {
      specs.forEach(spec -> deleteSpecs.put(JsonUtil.getInt("spec-id", spec), spec));
    }
    Map<Integer, PartitionSpec> specsById = new HashMap<>();
    List<FileScanTask> parsed = new ArrayList<>(tasks.size());
    for (JsonNode task : tasks) {
      parsed.add(readTask(task, caseSensitive, deleteSpecs, specsById));
    }
    SplitScan scan =
        new SplitScan(
            JsonUtil.getString(TABLE_UUID, node),
            JsonUtil.getString(TABLE_NAME, node),
            JsonUtil.getLong(SNAPSHOT_ID, node),
            schema,
            SchemaParser.fromJson(JsonUtil.get(PROJECTION, node)),
            ExpressionParser.fromJson(JsonUtil.get(FILTER, node)),
            caseSensitive,
            JsonUtil.getStringList(METADATA_COLUMNS, node),
            mapping == null ? null : mapping.toString(),
            specsById);
    return new ScanSplit(scan, parsed);
  }

  private static FileScanTask readTask(
      JsonNode node,
      boolean caseSensitive,
      Map<Integer, JsonNode> deleteSpecs,
      Map<Integer, PartitionSpec> specsById) {
    JsonNode others = node.get(OTHER_SPEC_DELETES);
    if (others == null) {
      return ScanTaskParser.fromJson(node.toString(), caseSensitive);
    }
    ObjectNode task = ((ObjectNode) node).deepCopy();
    task.remove(OTHER_SPEC_DELETES);
    FileScanTask parsed = ScanTaskParser.fromJson(task.toString(), caseSensitive);
    List<DeleteFile> deletes = new ArrayList<>();
    for (JsonNode delete : others) {
      int specId = JsonUtil.getInt("spec-id", delete);
      JsonNode spec = deleteSpecs.get(specId);
      if (spec == null) {
        throw new IllegalArgumentException(
            "Invalid split JSON: no partition spec " + specId + " in " + DELETE_SPECS);
      }
      specsById.computeIfAbsent(specId, id -> PartitionSpecParser.fromJson(parsed.schema(), spec));
      deletes.add((DeleteFile) ContentFileParser.fromJson(delete, specsById));
    }
    return new OtherSpecDeletesTask(parsed, deletes);
  }
}
