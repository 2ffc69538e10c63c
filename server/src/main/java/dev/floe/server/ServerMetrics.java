package dev.floe.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** What {@code GET /metrics} reports, in the Prometheus text format (version 0.0.4). */
final class ServerMetrics {
  private final AtomicLong openScans = new AtomicLong();
  private final AtomicLong scansTotal = new AtomicLong();
  private final AtomicLong refusedBusy = new AtomicLong();
  private final AtomicLong flightRows = new AtomicLong();
  private final AtomicLong flightBytes = new AtomicLong();
  private final AtomicLong httpRows = new AtomicLong();
  private final AtomicLong httpBytes = new AtomicLong();
  private final AtomicLong cancelled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private LongSupplier allocated = () -> 0;
  private LongSupplier peakAllocated = () -> 0;

  void allocator(LongSupplier allocated, LongSupplier peakAllocated) {
    this.allocated = allocated;
    this.peakAllocated = peakAllocated;
  }

  void scanOpened() {
    openScans.incrementAndGet();
    scansTotal.incrementAndGet();
  }

  void scanClosed() {
    openScans.decrementAndGet();
  }

  void refusedBusy() {
    refusedBusy.incrementAndGet();
  }

  void cancelled() {
    cancelled.incrementAndGet();
  }

  void failed() {
    failed.incrementAndGet();
  }

  void flightServed(long rows, long bytes) {
    flightRows.addAndGet(rows);
    flightBytes.addAndGet(bytes);
  }

  void httpServed(long rows, long bytes) {
    httpRows.addAndGet(rows);
    httpBytes.addAndGet(bytes);
  }

  long openScans() {
    return openScans.get();
  }

  long rowsServed() {
    return flightRows.get() + httpRows.get();
  }

  long cancelledScans() {
    return cancelled.get();
  }

  String prometheus() {
    StringBuilder text = new StringBuilder(1024);
    gauge(text, "floe_open_scans", "Scans being streamed now (Flight and HTTP).", openScans.get());
    counter(text, "floe_scans_total", "Scans started.", scansTotal.get());
    counter(
        text,
        "floe_scans_refused_total",
        "Scans refused because --max-scans were open.",
        refusedBusy.get());
    counter(
        text,
        "floe_scans_cancelled_total",
        "Scans stopped because the client cancelled or disconnected.",
        cancelled.get());
    counter(text, "floe_scans_failed_total", "Scans that ended with an error.", failed.get());
    gauge(
        text,
        "floe_allocated_bytes",
        "Arrow memory the server holds now (all scans).",
        allocated.getAsLong());
    gauge(
        text,
        "floe_allocated_bytes_peak",
        "Most Arrow memory the server held at once.",
        peakAllocated.getAsLong());
    text.append("# HELP floe_rows_served_total Rows sent to clients.\n");
    text.append("# TYPE floe_rows_served_total counter\n");
    text.append("floe_rows_served_total{protocol=\"flight\"} ").append(flightRows.get());
    text.append('\n');
    text.append("floe_rows_served_total{protocol=\"http\"} ").append(httpRows.get()).append('\n');
    text.append(
        "# HELP floe_bytes_served_total Bytes sent to clients (Flight: Arrow buffers; HTTP:"
            + " response body).\n");
    text.append("# TYPE floe_bytes_served_total counter\n");
    text.append("floe_bytes_served_total{protocol=\"flight\"} ").append(flightBytes.get());
    text.append('\n');
    text.append("floe_bytes_served_total{protocol=\"http\"} ").append(httpBytes.get());
    text.append('\n');
    return text.toString();
  }

  private static void gauge(StringBuilder text, String name, String help, long value) {
    metric(text, name, help, "gauge", value);
  }

  private static void counter(StringBuilder text, String name, String help, long value) {
    metric(text, name, help, "counter", value);
  }

  private static void metric(StringBuilder text, String name, String help, String type, long v) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    text.append(name).append(' ').append(v).append('\n');
  }
}
