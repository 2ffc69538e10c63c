package dev.floe.server;

import dev.floe.cli.Floe;
import dev.floe.cli.UsageException;
import dev.floe.cli.filter.FilterException;
import org.apache.arrow.flight.CallStatus;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;

/**
 * What went wrong with a request, as a client should see it: the kind (a Flight status, an HTTP
 * status) and Floe's one-line message ({@link Floe#describe}: the table, the file, the position,
 * the filter's column).
 */
record Failure(Kind kind, String message) {
  enum Kind {
    NOT_FOUND(404),
    INVALID_ARGUMENT(400),
    UNAUTHENTICATED(401),
    RESOURCE_EXHAUSTED(503),
    INTERNAL(500);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    int httpStatus() {
      return httpStatus;
    }
  }

  static Failure of(Throwable e) {
    return new Failure(kind(e), Floe.describe(e));
  }

  private static Kind kind(Throwable e) {
    if (e instanceof Tickets.InvalidTicketException) {
      return Kind.UNAUTHENTICATED;
    }
    if (e instanceof ScanSlots.BusyException) {
      return Kind.RESOURCE_EXHAUSTED;
    }
    if (e instanceof NoSuchTableException
        || e instanceof NoSuchNamespaceException
        || (e instanceof UsageException && notFound(e.getCause()))) {
      return Kind.NOT_FOUND;
    }
    if (e instanceof ScanRequest.RequestException
        || e instanceof UsageException
        || e instanceof FilterException
        || e instanceof IllegalArgumentException) {
      return Kind.INVALID_ARGUMENT;
    }
    return Kind.INTERNAL;
  }

  private static boolean notFound(Throwable cause) {
    return cause instanceof NoSuchTableException
        || cause instanceof NoSuchNamespaceException
        || cause instanceof NotFoundException;
  }

  CallStatus toFlight() {
    CallStatus status =
        switch (kind) {
          case NOT_FOUND -> CallStatus.NOT_FOUND;
          case INVALID_ARGUMENT -> CallStatus.INVALID_ARGUMENT;
          case UNAUTHENTICATED -> CallStatus.UNAUTHENTICATED;
          case RESOURCE_EXHAUSTED -> CallStatus.RESOURCE_EXHAUSTED;
          case INTERNAL -> CallStatus.INTERNAL;
        };
    return status.withDescription(message);
  }
}
