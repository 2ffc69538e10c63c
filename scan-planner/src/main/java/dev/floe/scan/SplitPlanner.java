package dev.floe.scan;

import org.apache.iceberg.CombinedScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Plans a scan's splits with Iceberg's task planning: large files are cut at their split offsets
 * (Parquet row groups, ORC stripes) into ranges of about the target size, and small ones are
 * combined into one split, each weighing at least the table's open-file cost ({@code
 * read.split.open-file-cost}). Iceberg reads manifests as the splits are consumed, and so does this
 * class: one split is built per combined task, never a list of the whole plan.
 */
final class SplitPlanner {
  private SplitPlanner() {}

  static CloseableIterable<ScanSplit> plan(
      Table table, ScanOptions options, long targetSplitBytes) {
    if (targetSplitBytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid target split size: " + targetSplitBytes + " bytes, expected > 0");
    }
    if (options.limit() >= 0) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot plan splits of a scan of %s with a limit (%d rows): splits are read"
                  + " independently, so a limit over all of them is the engine's to apply",
              table.name(), options.limit()));
    }
    ScanPlan plan = ScanPlan.create(table, options, 1);
    TableScan scan =
        plan.tableScan().option(TableProperties.SPLIT_SIZE, Long.toString(targetSplitBytes));
    Snapshot snapshot = scan.snapshot();
    if (snapshot == null) {
      return CloseableIterable.empty(); // a table without snapshots has no rows
    }
    SplitScan shared = SplitScan.of(table, plan, snapshot.snapshotId());
    return splits(shared, scan.planTasks());
  }

  /** One split per combined task, built as the tasks are consumed; closing closes the plan. */
  static CloseableIterable<ScanSplit> splits(
      SplitScan shared, CloseableIterable<CombinedScanTask> tasks) {
    return CloseableIterable.transform(tasks, task -> new ScanSplit(shared, task.tasks()));
  }
}
