package io.switchboard.domain.crypto;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A decrypted credential. It exists only in the memory of a process that must sign or call Twilio;
 * {@link #toString()} never shows it, so passing one to a logger or an exception message is safe.
 */
public final class Secret {

  private final String value;

  public Secret(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("A secret cannot be empty");
    }
    this.value = value;
  }

  /** The plaintext, for the one call that needs it (signing, HTTP basic auth). */
  public String reveal() {
    return value;
  }

  /** Masked form for API responses: the last four characters only. */
  public String masked() {
    return value.length() <= 4 ? "****" : "****" + value.substring(value.length() - 4);
  }

  /** Constant-time comparison. */
  public boolean matches(Secret other) {
    return other != null && MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Secret[****]";
  }
}
