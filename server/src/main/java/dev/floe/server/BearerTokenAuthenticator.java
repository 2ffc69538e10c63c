package dev.floe.server;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Flight header authentication with one shared bearer token ({@code --token}): every call must
 * carry {@code authorization: Bearer TOKEN}, compared in constant time; otherwise UNAUTHENTICATED.
 */
final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
  private final byte[] expected;

  BearerTokenAuthenticator(String token) {
    requireNonNull(token, "token is null");
    this.expected = (Auth2Constants.BEARER_PREFIX + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public AuthResult authenticate(CallHeaders headers) {
    String given = headers.get(Auth2Constants.AUTHORIZATION_HEADER);
    if (given == null) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription("Invalid or missing token: send authorization: Bearer TOKEN")
          .toRuntimeException();
    }
    if (!MessageDigest.isEqual(expected, given.strip().getBytes(StandardCharsets.UTF_8))) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription("Invalid token: not the server's --token")
          .toRuntimeException();
    }
    return () -> "token";
  }
}
