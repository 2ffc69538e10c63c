package dev.floe.server;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The scans a server runs at once, Flight streams and HTTP scans together: at most {@code
 * maxScans}, each with its own child allocator capped at {@code scanMemoryBytes}. A request beyond
 * the limit is refused at once (RESOURCE_EXHAUSTED, HTTP 503), never queued.
 */
final class ScanSlots {
  private final BufferAllocator root;
  private final Semaphore permits;
  private final int maxScans;
  private final long scanMemoryBytes;
  private final ServerMetrics metrics;
  private final AtomicLong ids = new AtomicLong();

  ScanSlots(BufferAllocator root, int maxScans, long scanMemoryBytes, ServerMetrics metrics) {
    this.root = requireNonNull(root, "root is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.maxScans = maxScans;
    this.scanMemoryBytes = scanMemoryBytes;
    this.permits = new Semaphore(maxScans);
  }

  /**
   * A slot for one scan; close it when the scan is closed.
   *
   * @throws BusyException if {@code maxScans} scans are open
   */
  Slot acquire(String what) {
    if (!permits.tryAcquire()) {
      metrics.refusedBusy();
      throw new BusyException(
          "Cannot start a scan: " + maxScans + " scans are open (--max-scans); try again later");
    }
    try {
      long id = ids.incrementAndGet();
      BufferAllocator allocator =
          root.newChildAllocator("scan-" + id + " " + what, 0, scanMemoryBytes);
      metrics.scanOpened();
      return new Slot(id, allocator);
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  int openScans() {
    return maxScans - permits.availablePermits();
  }

  /** One open scan: its id and allocator. */
  final class Slot implements AutoCloseable {
    private final long id;
    private final BufferAllocator allocator;
    private boolean closed;

    private Slot(long id, BufferAllocator allocator) {
      this.id = id;
      this.allocator = allocator;
    }

    long id() {
      return id;
    }

    BufferAllocator allocator() {
      return allocator;
    }

    /** Closes the allocator (which fails if the scan leaked a buffer) and frees the slot. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        allocator.close();
      } finally {
        metrics.scanClosed();
        permits.release();
      }
    }
  }

  /** Too many scans open. */
  static final class BusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BusyException(String message) {
      super(message);
    }
  }
}
