package dev.floe.reader;

import dev.floe.reader.orc.OrcBatchSource;
import dev.floe.reader.parquet.ParquetBatchSource;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.types.Type;

/** Picks the {@link BatchSource} of a data file's format. */
final class Formats {
  private Formats() {}

  /**
   * Opens the task's file.
   *
   * @param residual the filter the file's rows must still pass; its predicates on columns read from
   *     the file prune row groups / stripes where the format can
   */
  static BatchSource open(
      ReadContext context,
      FileScanTask task,
      Expression residual,
      Schema fileColumns,
      List<FieldVector> vectors) {
    InputFile input =
        context.io().newInputFile(task.file().location(), task.file().fileSizeInBytes());
    Set<Integer> mayLack = MissingColumns.mayLack(fileColumns, task.file());
    FileReadRequest request =
        new FileReadRequest(
            input,
            task.start(),
            task.length(),
            pruningFilter(
                residual, fileColumns, context.caseSensitive(), task.file().format(), mayLack),
            context.caseSensitive(),
            batchRows(context, task),
            context.nameMapping(),
            mayLack);
    switch (task.file().format()) {
      case PARQUET:
        return ParquetBatchSource.open(request, fileColumns, vectors, context.tableSchema());
      case ORC:
        return OrcBatchSource.open(request, fileColumns, vectors);
      default:
        throw new UnsupportedOperationException(
            "Cannot read data files of format " + task.file().format() + " yet");
    }
  }

  /** Rows per decoded batch: the batch size, or fewer if the whole file has fewer rows. */
  static int batchRows(ReadContext context, FileScanTask task) {
    return (int) Math.max(1, Math.min(context.batchSize(), task.file().recordCount()));
  }

  /**
   * The residual, for pruning row groups / stripes, if it only references columns read from the
   * file; otherwise no pruning (the residual is still applied to every row afterwards). Without its
   * predicates on columns with an initial default that the file may lack ({@link
   * MissingColumns#mayLack}): the formats' filters would take such a column for all nulls and skip
   * rows that read the default. Without its predicates on UUIDs, whose Parquet statistics Iceberg
   * compares in the wrong order ({@link FilterColumns#planningFilter}); for ORC, also without its
   * predicates on nanosecond timestamps: Iceberg 1.11 cannot turn those into an ORC search argument
   * and throws instead of leaving them out.
   */
  static Expression pruningFilter(
      Expression residual,
      Schema fileColumns,
      boolean caseSensitive,
      FileFormat format,
      Set<Integer> mayLack) {
    if (residual == null || residual.equals(Expressions.alwaysTrue())) {
      return Expressions.alwaysTrue();
    }
    try {
      // Binds the residual to the file's columns, so it also checks they are all read.
      Expression orcPruning = FilterColumns.planningFilter(fileColumns, residual, caseSensitive);
      Expression parquetPruning =
          FilterColumns.withoutPredicatesOn(fileColumns, residual, caseSensitive, Type.TypeID.UUID);
      return FilterColumns.withoutPredicatesOn(
          fileColumns,
          format == FileFormat.ORC ? orcPruning : parquetPruning,
          caseSensitive,
          mayLack);
    } catch (ValidationException e) {
      return Expressions.alwaysTrue(); // refers to columns the file is not read for
    }
  }
}
