package dev.floe.reader;

import dev.floe.reader.parquet.ParquetBatchSource;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.io.InputFile;

/** Picks the {@link BatchSource} of a data file's format. */
final class Formats {
  private Formats() {}

  static BatchSource open(
      ReadContext context, FileScanTask task, Schema fileColumns, List<FieldVector> vectors) {
    InputFile input =
        context.io().newInputFile(task.file().location(), task.file().fileSizeInBytes());
    FileReadRequest request =
        new FileReadRequest(
            input,
            task.start(),
            task.length(),
            task.residual(),
            context.caseSensitive(),
            context.batchSize(),
            context.nameMapping());
    switch (task.file().format()) {
      case PARQUET:
        return ParquetBatchSource.open(request, fileColumns, vectors);
      default:
        throw new UnsupportedOperationException(
            "Cannot read data files of format " + task.file().format() + " yet");
    }
  }
}
