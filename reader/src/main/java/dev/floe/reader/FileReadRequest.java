package dev.floe.reader;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.mapping.NameMapping;

/**
 * What a format's {@link BatchSource} needs to open one data file.
 *
 * @param inputFile the data file
 * @param start first byte of the split
 * @param length bytes in the split
 * @param residual filter used to prune row groups / stripes (rows are filtered exactly later)
 * @param caseSensitive whether column names in {@code residual} are case sensitive
 * @param batchSize maximum rows per decoded batch
 * @param nameMapping maps names to field ids for files written without ids; may be null
 * @param mayLack ids of columns with an initial default that the file may have been written without
 *     ({@link MissingColumns#mayLack}); {@code residual} has no predicates on them
 */
public record FileReadRequest(
    InputFile inputFile,
    long start,
    long length,
    Expression residual,
    boolean caseSensitive,
    int batchSize,
    NameMapping nameMapping,
    Set<Integer> mayLack) {
  public FileReadRequest {
    requireNonNull(inputFile, "inputFile is null");
    requireNonNull(residual, "residual is null");
    mayLack = Set.copyOf(requireNonNull(mayLack, "mayLack is null"));
  }
}
