package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;

/**
 * A task read back from JSON whose delete files of other partition specs ({@link ScanSplitParser}
 * writes them apart) are added to the ones Iceberg's parser read with the task.
 */
final class OtherSpecDeletesTask implements FileScanTask {
  private static final long serialVersionUID = 1L;

  private final FileScanTask task;
  private final List<DeleteFile> deletes;

  OtherSpecDeletesTask(FileScanTask task, List<DeleteFile> otherSpecDeletes) {
    this.task = requireNonNull(task, "task is null");
    List<DeleteFile> all = new ArrayList<>(task.deletes());
    all.addAll(requireNonNull(otherSpecDeletes, "otherSpecDeletes is null"));
    this.deletes = List.copyOf(all);
  }

  @Override
  public DataFile file() {
    return task.file();
  }

  @Override
  public List<DeleteFile> deletes() {
    return deletes;
  }

  @Override
  public Schema schema() {
    return task.schema();
  }

  @Override
  public PartitionSpec spec() {
    return task.spec();
  }

  @Override
  public long start() {
    return task.start();
  }

  @Override
  public long length() {
    return task.length();
  }

  @Override
  public Expression residual() {
    return task.residual();
  }

  @Override
  public Iterable<FileScanTask> split(long targetSplitSize) {
    throw new UnsupportedOperationException("Cannot split a task of a split");
  }

  @Override
  public String toString() {
    return task + " with deletes " + deletes;
  }
}
