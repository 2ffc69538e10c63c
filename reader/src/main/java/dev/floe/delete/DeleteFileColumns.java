package dev.floe.delete;

import dev.floe.FloeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.io.InputFile;
import org.apache.orc.OrcFile;
import org.apache.orc.Reader;
import org.apache.orc.TypeDescription;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.Type;

/**
 * Checks that an equality-delete file holds the columns it deletes by. Iceberg's readers read a
 * column a file lacks as nulls, so a delete file without its key columns would delete the rows
 * whose key is null, or nothing, without an error. Its schema is read from its footer when the file
 * is opened to load its keys (once per scan, as the keys are cached).
 */
final class DeleteFileColumns {
  /** orc-core's attribute for a column's Iceberg field id, as Iceberg's ORC writer sets it. */
  private static final String ORC_FIELD_ID = "iceberg.id";

  private DeleteFileColumns() {}

  /**
   * {@code input}, the content of equality-delete {@code file}, once it is known to hold the file's
   * equality fields ({@code schema} names them in the message).
   *
   * @throws FloeException naming the file and the missing fields if {@code file} lacks one of its
   *     equality fields; files whose schema cannot be read here (ORC files other than Hadoop files,
   *     other formats) are not checked
   */
  static InputFile checked(DeleteFile file, InputFile input, Schema schema) {
    Set<Integer> present = fieldIds(file, input);
    if (present == null) {
      return input;
    }
    List<String> missing = new ArrayList<>();
    for (int id : file.equalityFieldIds()) {
      if (!present.contains(id)) {
        String name = schema.findColumnName(id);
        missing.add(id + (name == null ? "" : " (" + name + ")"));
      }
    }
    if (!missing.isEmpty()) {
      throw new FloeException(
          String.format(
              "Invalid equality delete file %s: it lacks the equality field%s %s, expected its"
                  + " equality field ids %s among its columns",
              file.location(),
              missing.size() == 1 ? "" : "s",
              String.join(", ", missing),
              file.equalityFieldIds()));
    }
    return input;
  }

  /** The field ids in the file's schema, or null if it cannot be read here. */
  private static Set<Integer> fieldIds(DeleteFile file, InputFile input) {
    try {
      return switch (file.format()) {
        case PARQUET -> parquetFieldIds(input);
        case ORC -> input instanceof HadoopInputFile hadoop ? orcFieldIds(hadoop) : null;
        default -> null;
      };
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the schema of " + file.location(), e);
    }
  }

  private static Set<Integer> parquetFieldIds(InputFile input) throws IOException {
    ParquetReadOptions options =
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    try (ParquetFileReader reader = ParquetFileReader.open(new ParquetInput(input), options)) {
      Set<Integer> ids = new HashSet<>();
      addParquetIds(reader.getFileMetaData().getSchema(), ids);
      return ids;
    }
  }

  private static void addParquetIds(GroupType group, Set<Integer> ids) {
    for (Type field : group.getFields()) {
      if (field.getId() != null) {
        ids.add(field.getId().intValue());
      }
      if (!field.isPrimitive()) {
        addParquetIds(field.asGroupType(), ids);
      }
    }
  }

  private static Set<Integer> orcFieldIds(HadoopInputFile input) throws IOException {
    OrcFile.ReaderOptions options =
        OrcFile.readerOptions(input.getConf())
            .filesystem(input.getFileSystem())
            .maxLength(input.getLength());
    try (Reader reader = OrcFile.createReader(input.getPath(), options)) {
      Set<Integer> ids = new HashSet<>();
      addOrcIds(reader.getSchema(), ids);
      return ids;
    }
  }

  private static void addOrcIds(TypeDescription type, Set<Integer> ids) {
    String id = type.getAttributeValue(ORC_FIELD_ID);
    if (id != null) {
      try {
        ids.add(Integer.parseInt(id));
      } catch (NumberFormatException e) {
        // not an id Iceberg wrote: the column cannot be matched by id
      }
    }
    if (type.getChildren() != null) {
      for (TypeDescription child : type.getChildren()) {
        addOrcIds(child, ids);
      }
    }
  }

  /** An Iceberg input file as parquet-mr reads files, through the file's own streams. */
  private record ParquetInput(InputFile file) implements org.apache.parquet.io.InputFile {
    @Override
    public String toString() {
      return file.location(); // parquet-mr's messages name the file by it
    }

    @Override
    public long getLength() {
      return file.getLength();
    }

    @Override
    public SeekableInputStream newStream() {
      org.apache.iceberg.io.SeekableInputStream stream = file.newStream();
      return new DelegatingSeekableInputStream(stream) {
        @Override
        public long getPos() throws IOException {
          return stream.getPos();
        }

        @Override
        public void seek(long newPos) throws IOException {
          stream.seek(newPos);
        }
      };
    }
  }
}
