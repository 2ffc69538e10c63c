package dev.floe.server;

import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;

/**
 * One {@code DoGet}: verifies the ticket, opens its split in a scan slot and sends the batches as
 * they are read, on the calling (gRPC) thread, named {@code floe-scan-N} while it streams.
 *
 * <p>Back-pressure: a batch is sent only when the listener is ready (gRPC's outbound buffer is
 * below its threshold and the client's flow-control window is open); until then the reader waits
 * and reads no further, holding only the batch it is about to send. Flight copies a batch into
 * gRPC's buffers when it is sent, so the scan's own memory is one batch and one open row group /
 * stripe. Cancellation: a client that cancels or disconnects wakes the wait; the stream, its files
 * and its allocator are closed before the call returns.
 */
final class SplitSender {
  /** How long one wait for readiness lasts before the listener's state is looked at again. */
  private static final long POLL_MILLIS = 50;

  private final Tables tables;
  private final Tickets tickets;
  private final ScanSlots slots;
  private final ServerMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  SplitSender(Tables tables, Tickets tickets, ScanSlots slots, ServerMetrics metrics) {
    this.tables = tables;
    this.tickets = tickets;
    this.slots = slots;
    this.metrics = metrics;
  }

  void send(Ticket ticket, ServerStreamListener listener) {
    listener.setOnReadyHandler(this::signal);
    listener.setOnCancelHandler(this::signal);
    Thread thread = Thread.currentThread();
    String threadName = thread.getName();
    try {
      Tickets.Grant grant = tickets.verify(ticket.getBytes());
      ScanSplit split = ScanSplit.fromJson(grant.splitJson());
      Table table = tables.forSplit(grant.table(), split.snapshotId());
      try (ScanSlots.Slot slot = slots.acquire(split.tableName())) {
        thread.setName("floe-scan-" + slot.id());
        try (RecordBatchStream stream = split.open(table, grant.batchSize(), slot.allocator())) {
          stream(stream, listener);
        } finally {
          // before an error reaches the client: the scan's thread is gone once the client knows
          thread.setName(threadName);
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        thread.interrupt();
      }
      if (listener.isCancelled()) {
        metrics.cancelled();
        return;
      }
      metrics.failed();
      try {
        listener.error(Failure.of(e).toFlight().toRuntimeException());
      } catch (RuntimeException alreadyGone) {
        e.addSuppressed(alreadyGone);
      }
    } finally {
      thread.setName(threadName);
    }
  }

  private void stream(RecordBatchStream stream, ServerStreamListener listener) throws Exception {
    VectorSchemaRoot root = stream.getVectorSchemaRoot();
    listener.start(root);
    while (!listener.isCancelled() && stream.loadNextBatch()) {
      if (!awaitReady(listener)) {
        metrics.cancelled();
        return;
      }
      listener.putNext();
      metrics.flightServed(root.getRowCount(), bufferBytes(root));
    }
    if (listener.isCancelled()) {
      metrics.cancelled();
      return;
    }
    listener.completed();
  }

  /** Waits until the listener can take a batch; false if the client went away first. */
  private boolean awaitReady(ServerStreamListener listener) throws InterruptedException {
    lock.lock();
    try {
      while (!listener.isReady()) {
        if (listener.isCancelled()) {
          return false;
        }
        changed.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
      return !listener.isCancelled();
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static long bufferBytes(VectorSchemaRoot root) {
    long bytes = 0;
    for (FieldVector vector : root.getFieldVectors()) {
      bytes += vector.getBufferSize();
    }
    return bytes;
  }
}
