package dev.floe.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Flight tickets no client can forge: {@code base64url(payload) "." base64url(HMAC-SHA256(secret,
 * payload))}, the payload being JSON of the table reference, the batch size, the expiry and the
 * split's own JSON ({@code ScanSplit.toJson}). A ticket whose MAC does not match (modified or made
 * up) or whose expiry has passed is refused, so a client reads only splits this server planned, and
 * only for a while. The MAC is compared in constant time.
 */
final class Tickets {
  /** Bytes of a secret made at start (and the least a secret file must hold). */
  static final int SECRET_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final Duration lifetime;
  private final Clock clock;

  Tickets(byte[] secret, Duration lifetime, Clock clock) {
    requireNonNull(secret, "secret is null");
    if (secret.length < SECRET_BYTES) {
      throw new IllegalArgumentException(
          "Invalid ticket secret: " + secret.length + " bytes, expected at least " + SECRET_BYTES);
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.lifetime = requireNonNull(lifetime, "lifetime is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("Invalid ticket lifetime: " + lifetime + ", expected > 0");
    }
  }

  static byte[] randomSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  /** What a ticket grants: one split of a table, read in batches of {@code batchSize} rows. */
  record Grant(String table, int batchSize, String splitJson, Instant expires) {
    Grant {
      requireNonNull(table, "table is null");
      requireNonNull(splitJson, "splitJson is null");
      requireNonNull(expires, "expires is null");
    }
  }

  /** A ticket for the split, valid for this server's ticket lifetime from now. */
  byte[] issue(String table, int batchSize, String splitJson) {
    return issue(new Grant(table, batchSize, splitJson, clock.instant().plus(lifetime)));
  }

  /** A ticket for exactly this grant (its expiry as given). */
  byte[] issue(Grant grant) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("v", 1);
    payload.put("table", grant.table());
    payload.put("batch_size", grant.batchSize());
    payload.put("expires_ms", grant.expires().toEpochMilli());
    payload.put("split", grant.splitJson());
    byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
    String text = ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(body));
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The grant of a ticket this server issued and that has not expired.
   *
   * @throws InvalidTicketException if the ticket is malformed, was not signed with this server's
   *     secret (modified or forged), or has expired
   */
  Grant verify(byte[] ticket) {
    requireNonNull(ticket, "ticket is null");
    String text = new String(ticket, StandardCharsets.US_ASCII);
    int dot = text.indexOf('.');
    if (dot <= 0 || dot != text.lastIndexOf('.')) {
      throw new InvalidTicketException("Invalid ticket: not a ticket of this server");
    }
    byte[] body;
    byte[] given;
    try {
      body = DECODER.decode(text.substring(0, dot));
      given = DECODER.decode(text.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw new InvalidTicketException("Invalid ticket: not a ticket of this server");
    }
    if (!MessageDigest.isEqual(mac(body), given)) {
      throw new InvalidTicketException(
          "Invalid ticket: its signature does not match (modified, or not issued by this server)");
    }
    Grant grant = parse(body);
    if (!clock.instant().isBefore(grant.expires())) {
      throw new InvalidTicketException(
          "Invalid ticket: expired at "
              + grant.expires()
              + "; ask for a new one with GetFlightInfo");
    }
    return grant;
  }

  private static Grant parse(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.path("v").asInt() != 1) {
        throw new InvalidTicketException("Invalid ticket: unknown version");
      }
      return new Grant(
          node.get("table").asText(),
          node.get("batch_size").asInt(),
          node.get("split").asText(),
          Instant.ofEpochMilli(node.get("expires_ms").asLong()));
    } catch (IOException | NullPointerException e) {
      // signed by this server, so a bug rather than an attack; still refused
      throw new InvalidTicketException("Invalid ticket: unreadable payload");
    }
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot compute " + ALGORITHM, e);
    }
  }

  /** A ticket that is refused: UNAUTHENTICATED to the client. */
  static final class InvalidTicketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidTicketException(String message) {
      super(message);
    }
  }
}
