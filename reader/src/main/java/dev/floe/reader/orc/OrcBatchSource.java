package dev.floe.reader.orc;

import static java.util.Objects.requireNonNull;

import dev.floe.reader.BatchSource;
import dev.floe.reader.FileReadRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.Schema;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.orc.ORC;
import org.apache.iceberg.orc.OrcBatchReader;
import org.apache.iceberg.types.Types;
import org.apache.orc.TypeDescription;
import org.apache.orc.storage.ql.exec.vector.VectorizedRowBatch;

/**
 * Streams an ORC data file into Arrow vectors. File handling — field-id / name-mapping schema
 * projection and type promotion, split bounds, stripe and row-group pruning through search
 * arguments built from the filter — is Iceberg's own ORC reader; this class converts each reused
 * {@link VectorizedRowBatch} it yields into the Arrow vectors, column by column. Decoder state is
 * one stripe's projected streams plus the one row batch.
 */
public final class OrcBatchSource implements BatchSource {
  private final CloseableIterable<Integer> batches;
  private final CloseableIterator<Integer> iterator;
  private final ArrowBatchConverter converter;

  private OrcBatchSource(
      CloseableIterable<Integer> batches,
      CloseableIterator<Integer> iterator,
      ArrowBatchConverter converter) {
    this.batches = batches;
    this.iterator = iterator;
    this.converter = converter;
  }

  /**
   * Opens the file of {@code request} and reads its footer, converting {@code columns} into {@code
   * vectors}.
   *
   * @param columns the columns to read from the file (no constants), one per vector
   * @param vectors where values go; owned by the caller
   */
  public static OrcBatchSource open(
      FileReadRequest request, Schema columns, List<FieldVector> vectors) {
    requireNonNull(request, "request is null");
    requireNonNull(columns, "columns is null");
    requireNonNull(vectors, "vectors is null");
    AtomicReference<ArrowBatchConverter> created = new AtomicReference<>();
    ORC.ReadBuilder builder =
        ORC.read(request.inputFile())
            .project(columns)
            .split(request.start(), request.length())
            .filter(request.residual())
            .caseSensitive(request.caseSensitive())
            .recordsPerBatch(request.batchSize())
            .createBatchedReaderFunc(
                readSchema -> {
                  ArrowBatchConverter converter =
                      new ArrowBatchConverter(readSchema, columns, vectors);
                  created.set(converter);
                  return converter;
                });
    if (request.nameMapping() != null) {
      builder.withNameMapping(request.nameMapping());
    }
    CloseableIterable<Integer> batches = builder.build();
    try {
      CloseableIterator<Integer> iterator = batches.iterator(); // opens the file, reads the footer
      return new OrcBatchSource(batches, iterator, created.get());
    } catch (RuntimeException e) {
      try {
        batches.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public int next() {
    while (iterator.hasNext()) {
      int rows = iterator.next();
      if (rows > 0) {
        return rows;
      }
    }
    return 0;
  }

  @Override
  public long firstPosition() {
    return converter.firstPosition;
  }

  @Override
  public String position() {
    return "rows starting at " + converter.firstPosition;
  }

  @Override
  public void close() throws IOException {
    try (CloseableIterable<Integer> closing = batches) {
      iterator.close();
    }
  }

  /** Iceberg's batched-reader hook: converts one row batch into the Arrow vectors. */
  private static final class ArrowBatchConverter implements OrcBatchReader<Integer> {
    private final List<OrcColumnConverter> converters;
    private final List<FieldVector> vectors;
    private long firstPosition;

    ArrowBatchConverter(TypeDescription readSchema, Schema columns, List<FieldVector> vectors) {
      this.vectors = vectors;
      this.converters = new ArrayList<>(columns.columns().size());
      List<TypeDescription> children = readSchema.getChildren();
      if (children.size() != columns.columns().size()) {
        throw new IllegalStateException(
            String.format(
                "Cannot map ORC read schema %s onto columns %s", readSchema, columns.asStruct()));
      }
      for (int i = 0; i < children.size(); i++) {
        Types.NestedField column = columns.columns().get(i);
        converters.add(OrcColumnConverter.create(children.get(i), column));
      }
    }

    @Override
    public Integer read(VectorizedRowBatch batch) {
      if (batch.selectedInUse) {
        throw new IllegalStateException("Cannot read ORC row batches with a selection vector");
      }
      for (int i = 0; i < converters.size(); i++) {
        converters.get(i).convert(batch.cols[i], vectors.get(i), batch.size);
      }
      return batch.size;
    }

    @Override
    public void setBatchContext(long batchOffsetInFile) {
      this.firstPosition = batchOffsetInFile;
    }
  }
}
