package io.switchboard.ingress;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * How many refused webhooks from one source are recorded: a token bucket per source address (a
 * burst, then a steady rate), for a bounded number of sources seen recently. A flood of forged
 * requests is still refused, and counted, but cannot fill the rejection topic.
 */
public final class RejectionLimiter {

  private final Cache<String, Bucket> buckets;
  private final long burst;
  private final long perMinute;

  /**
   * @param burst rejections recorded at once from a new source
   * @param perMinute the steady rate after the burst
   * @param sources how many sources are tracked at most (the least recently seen are forgotten)
   */
  public RejectionLimiter(long burst, long perMinute, long sources) {
    this.burst = burst;
    this.perMinute = perMinute;
    this.buckets = Caffeine.newBuilder().maximumSize(sources).expireAfterAccess(Duration.ofMinutes(10)).build();
  }

  /** Whether a rejection from this source is recorded now. */
  public boolean admit(String source) {
    return buckets.get(source == null ? "unknown" : source, s -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
        .build()).tryConsume(1);
  }
}
