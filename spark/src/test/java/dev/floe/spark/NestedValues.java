package dev.floe.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Whole rows, nested values included, as comparable text: from the oracle's canonical JSON and from
 * a Spark {@link Row}. Leaves go through {@link Values} (so -0.0, NaN and decimal scales show);
 * structs print their fields in order, lists their elements in order. Map entries are printed
 * sorted: Spark's {@code Row} hands a map out as a Scala map, whose iteration order is not the
 * file's.
 */
final class NestedValues {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final Object NULL = new Object();

  private NestedValues() {}

  /** A line of the oracle's JSON, every column of {@code schema}. */
  static String expected(String line, Schema schema) {
    @SuppressWarnings("unchecked")
    Map<String, Object> members = (Map<String, Object>) parse(line);
    List<String> texts = new ArrayList<>();
    for (Types.NestedField column : schema.columns()) {
      texts.add(expected(members.getOrDefault(column.name(), NULL), column.type()));
    }
    return String.join(" | ", texts);
  }

  /** A Spark row of {@code schema}'s columns. */
  static String actual(Row row, Schema schema) {
    List<String> texts = new ArrayList<>();
    List<Types.NestedField> columns = schema.columns();
    for (int i = 0; i < columns.size(); i++) {
      texts.add(actual(row.get(i), columns.get(i).type()));
    }
    return String.join(" | ", texts);
  }

  @SuppressWarnings("unchecked")
  private static String expected(Object json, Type type) {
    if (json == NULL) {
      return "null";
    }
    switch (type.typeId()) {
      case STRUCT:
        Map<String, Object> members = (Map<String, Object>) json;
        List<String> fields = new ArrayList<>();
        for (Types.NestedField field : type.asStructType().fields()) {
          fields.add(
              field.name()
                  + "="
                  + expected(members.getOrDefault(field.name(), NULL), field.type()));
        }
        return "{" + String.join(", ", fields) + "}";
      case LIST:
        List<String> elements = new ArrayList<>();
        for (Object element : (List<Object>) json) {
          elements.add(expected(element, type.asListType().elementType()));
        }
        return "[" + String.join(", ", elements) + "]";
      case MAP:
        Types.MapType map = type.asMapType();
        List<String> entries = new ArrayList<>();
        for (Object entry : (List<Object>) json) {
          Map<String, Object> pair = (Map<String, Object>) entry;
          entries.add(
              expected(pair.get("key"), map.keyType())
                  + "->"
                  + expected(pair.getOrDefault("value", NULL), map.valueType()));
        }
        return map(entries);
      default:
        return Values.text(Values.fromJson((String) json, type));
    }
  }

  private static String actual(Object value, Type type) {
    if (value == null) {
      return "null";
    }
    switch (type.typeId()) {
      case STRUCT:
        Row struct = (Row) value;
        List<Types.NestedField> fields = type.asStructType().fields();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
          texts.add(fields.get(i).name() + "=" + actual(struct.get(i), fields.get(i).type()));
        }
        return "{" + String.join(", ", texts) + "}";
      case LIST:
        List<String> elements = new ArrayList<>();
        for (Object element : CollectionConverters.asJava((scala.collection.Seq<?>) value)) {
          elements.add(actual(element, type.asListType().elementType()));
        }
        return "[" + String.join(", ", elements) + "]";
      case MAP:
        Types.MapType map = type.asMapType();
        List<String> entries = new ArrayList<>();
        for (Map.Entry<?, ?> entry :
            CollectionConverters.asJava((scala.collection.Map<?, ?>) value).entrySet()) {
          entries.add(
              actual(entry.getKey(), map.keyType())
                  + "->"
                  + actual(entry.getValue(), map.valueType()));
        }
        return map(entries);
      default:
        return Values.text(value);
    }
  }

  private static String map(List<String> entries) {
    List<String> sorted = new ArrayList<>(entries);
    sorted.sort(null);
    return "map{" + String.join(", ", sorted) + "}";
  }

  /** Objects as maps in member order, arrays as lists, scalars as their raw text, null as NULL. */
  private static Object parse(String line) {
    try (JsonParser parser = FACTORY.createParser(line)) {
      parser.nextToken();
      return value(parser);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object value(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      Map<String, Object> members = new LinkedHashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        members.put(name, value(parser));
      }
      return members;
    }
    if (token == JsonToken.START_ARRAY) {
      List<Object> elements = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        elements.add(value(parser));
      }
      return elements;
    }
    return token == JsonToken.VALUE_NULL ? NULL : parser.getText();
  }
}
