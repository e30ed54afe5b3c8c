package io.switchboard.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param period {@code switchboard.health.period}: how often every tenant is checked
 * @param degradedAfter {@code switchboard.health.degraded-after}: a check slower than this is DEGRADED
 * @param maxConcurrentChecks {@code switchboard.health.max-concurrent-checks}: checks in flight at once, at most
 */
@Validated
@ConfigurationProperties("switchboard.health")
public record HealthProperties(Duration period, Duration degradedAfter, Integer maxConcurrentChecks) {

  public HealthProperties {
    period = period == null ? Duration.ofMinutes(5) : period;
    degradedAfter = degradedAfter == null ? Duration.ofSeconds(2) : degradedAfter;
    maxConcurrentChecks = maxConcurrentChecks == null ? 8 : maxConcurrentChecks;
    if (maxConcurrentChecks < 1) {
      throw new IllegalArgumentException("switchboard.health.max-concurrent-checks must be at least 1");
    }
  }
}
