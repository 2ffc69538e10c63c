package dev.floe.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.arrow.ArrowSchemas;
import dev.floe.cli.ScanArguments.ResolvedScan;
import dev.floe.cli.UsageException;
import dev.floe.scan.ScanSplit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Floe's Arrow Flight service. {@code GetFlightInfo} / {@code GetSchema} take a {@link ScanRequest}
 * JSON command and plan the scan as splits: one endpoint per split, its ticket signed by {@link
 * Tickets}, no location (read it from the same server). {@code DoGet} streams one split ({@link
 * SplitSender}). {@code ListFlights} lists the catalog's tables, each with the command that scans
 * it. Errors reach the client as Flight statuses with Floe's one-line message ({@link Failure}).
 */
final class FloeFlightProducer extends NoOpFlightProducer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Scans scans;
  private final Tickets tickets;
  private final ScanSlots slots;
  private final ServerMetrics metrics;

  FloeFlightProducer(Scans scans, Tickets tickets, ScanSlots slots, ServerMetrics metrics) {
    this.scans = requireNonNull(scans, "scans is null");
    this.tickets = requireNonNull(tickets, "tickets is null");
    this.slots = requireNonNull(slots, "slots is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    try {
      ScanRequest request = request(descriptor);
      ResolvedScan scan = scans.resolve(request);
      Schema schema = scans.arrowSchema(scan);
      long target = Scans.targetSplitBytes(request, scan.table());
      List<FlightEndpoint> endpoints = new ArrayList<>();
      long bytes = 0;
      long records = 0;
      try (CloseableIterable<ScanSplit> splits = planSplits(scan, target)) {
        for (ScanSplit split : splits) {
          byte[] ticket = tickets.issue(request.table(), request.batchSize(), split.toJson());
          endpoints.add(new FlightEndpoint(new Ticket(ticket)));
          bytes += split.estimatedBytes();
          records += split.estimatedRows();
        }
      }
      return new FlightInfo(schema, descriptor, endpoints, bytes, records);
    } catch (IOException | RuntimeException e) {
      throw Failure.of(e).toFlight().toRuntimeException();
    }
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    try {
      return new SchemaResult(scans.arrowSchema(scans.resolve(request(descriptor))));
    } catch (RuntimeException e) {
      throw Failure.of(e).toFlight().toRuntimeException();
    }
  }

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    new SplitSender(scans.tables(), tickets, slots, metrics).send(ticket, listener);
  }

  @Override
  public void listFlights(
      CallContext context,
      org.apache.arrow.flight.Criteria criteria,
      StreamListener<FlightInfo> listener) {
    try {
      for (TableIdentifier id : scans.tables().list()) {
        String command = JSON.createObjectNode().put("table", id.toString()).toString();
        FlightDescriptor descriptor =
            FlightDescriptor.command(command.getBytes(StandardCharsets.UTF_8));
        listener.onNext(new FlightInfo(schemaOf(id), descriptor, List.of(), -1, -1));
      }
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(Failure.of(e).toFlight().toRuntimeException());
    }
  }

  /** The table's Arrow schema, or an empty one when Floe cannot read one of its columns. */
  private Schema schemaOf(TableIdentifier id) {
    Table table = scans.tables().load(id.toString());
    try {
      return ArrowSchemas.toArrow(table.schema());
    } catch (RuntimeException e) {
      return new Schema(List.of());
    }
  }

  private static ScanRequest request(FlightDescriptor descriptor) {
    if (!descriptor.isCommand()) {
      throw new ScanRequest.RequestException(
          "Invalid descriptor: a path, expected a command {\"table\": \"db.events\", ...}");
    }
    return ScanRequest.fromCommand(descriptor.getCommand());
  }

  private static CloseableIterable<ScanSplit> planSplits(ResolvedScan scan, long target) {
    try {
      return scan.dataScan().planSplits(target);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
