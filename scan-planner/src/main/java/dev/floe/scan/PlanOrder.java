package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ExecutorService;
import org.apache.iceberg.Scan;
import org.apache.iceberg.relocated.com.google.common.util.concurrent.MoreExecutors;

/**
 * Makes Iceberg plan a scan's files in the same order every time for the same snapshot.
 *
 * <p>By default Iceberg reads a snapshot's manifests in parallel on its shared worker pool and
 * hands out file tasks as the threads produce them, so the order changes from run to run, and with
 * it the rows that {@code limit}, {@code floe head} and exports return first. Planning on the
 * calling thread instead (a direct executor: Iceberg then works through the manifests in the
 * snapshot's order, a bounded part at a time) gives one order per snapshot, at the cost of reading
 * manifests one after another. Planning is lazy either way.
 */
public final class PlanOrder {
  private static final ExecutorService CALLING_THREAD = MoreExecutors.newDirectExecutorService();

  private PlanOrder() {}

  /** {@code scan}, planned on the calling thread in the snapshot's manifest order. */
  public static <S extends Scan<S, ?, ?>> S deterministic(S scan) {
    requireNonNull(scan, "scan is null");
    return scan.planWith(CALLING_THREAD);
  }
}
