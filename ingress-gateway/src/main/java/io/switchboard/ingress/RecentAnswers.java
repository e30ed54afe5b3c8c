package io.switchboard.ingress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The answers given to recent webhooks, by Twilio's idempotency token, so that Twilio's retry of a
 * webhook gets the answer the first attempt got (or waits for it) instead of being processed again.
 * Bounded in size and age.
 */
final class RecentAnswers {

  private record Entry(CompletableFuture<IntakeResult> answer, String fingerprint, Instant at) {}

  /**
   * What a claim found: nothing (the caller prepares the answer and must {@link #complete} it), an
   * earlier attempt's answer for the same body, or a conflict: the same token with another body.
   */
  record Claim(CompletableFuture<IntakeResult> earlier, boolean conflict) {}

  private final int capacity;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Entry> entries;

  RecentAnswers(int capacity, Duration ttl, Clock clock) {
    this.capacity = capacity;
    this.ttl = ttl;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > RecentAnswers.this.capacity;
      }
    };
  }

  /**
   * The answer already given (or being prepared) for this token and body, or a conflict when the
   * token came with another body, or nothing after registering the caller as the one that prepares
   * the answer.
   */
  synchronized Claim claim(String token, String fingerprint) {
    Entry entry = entries.get(token);
    if (entry != null && entry.at().plus(ttl).isAfter(clock.instant())) {
      return entry.fingerprint().equals(fingerprint) ? new Claim(entry.answer(), false) : new Claim(null, true);
    }
    entries.put(token, new Entry(new CompletableFuture<>(), fingerprint, clock.instant()));
    return new Claim(null, false);
  }

  /** A digest of a webhook's fields, names and values in order: equal for Twilio's retries of one webhook. */
  static String fingerprint(Map<String, List<String>> params) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, List<String>> field : params.entrySet()) {
        for (String value : field.getValue()) {
          digest.update(field.getKey().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
          digest.update(value.getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  synchronized void complete(String token, IntakeResult answer) {
    Entry entry = entries.get(token);
    if (entry != null) {
      entry.answer().complete(answer);
      if (answer.status() >= 500) {
        // A failed attempt must not be replayed to Twilio's retry: let the retry try again.
        entries.remove(token);
      }
    }
  }
}
