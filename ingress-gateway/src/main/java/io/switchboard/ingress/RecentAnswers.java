package io.switchboard.ingress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The answers given to recent webhooks, by Twilio's idempotency token, so that Twilio's retry of a
 * webhook gets the answer the first attempt got (or waits for it) instead of being processed again.
 * Bounded in size and age.
 */
final class RecentAnswers {

  private record Entry(CompletableFuture<IntakeResult> answer, Instant at) {}

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
   * The answer already given (or being prepared) for this token, or null after registering the
   * caller as the one that prepares it; it must then call {@link #complete}.
   */
  synchronized CompletableFuture<IntakeResult> claim(String token) {
    Entry entry = entries.get(token);
    if (entry != null && entry.at().plus(ttl).isAfter(clock.instant())) {
      return entry.answer();
    }
    entries.put(token, new Entry(new CompletableFuture<>(), clock.instant()));
    return null;
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
