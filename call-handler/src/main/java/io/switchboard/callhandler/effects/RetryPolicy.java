package io.switchboard.callhandler.effects;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter, capped, for a bounded number of attempts. */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  /** Delay before the attempt after {@code attempt} (1-based): random in [0, min(max, base * 2^(attempt-1))]. */
  public long delayMillisAfter(int attempt) {
    long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(20, attempt - 1));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }
}
