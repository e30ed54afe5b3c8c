package io.switchboard.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param period {@code switchboard.health.period}: how often every tenant is checked
 * @param degradedAfter {@code switchboard.health.degraded-after}: a check slower than this is DEGRADED
 * @param maxConcurrentChecks {@code switchboard.health.max-concurrent-checks}: checks in flight at once, at most
 * @param confirmations {@code switchboard.health.confirmations}: identical results in a row before a tenant's
 *     status changes (and an alert is raised)
 * @param globalAccountSid {@code switchboard.health.global-account-sid}: optional global credentials (TWILIO_ACCOUNT_SID)
 * @param globalAuthToken {@code switchboard.health.global-auth-token}: their token (TWILIO_AUTH_TOKEN)
 * @param groupId {@code switchboard.health.group-id}: the consumer group in which the health-monitor instances
 *     share the tenants (health-monitor by default)
 */
@Validated
@ConfigurationProperties("switchboard.health")
public record HealthProperties(Duration period, Duration degradedAfter, Integer maxConcurrentChecks,
    Integer confirmations, String globalAccountSid, String globalAuthToken, String groupId) {

  public HealthProperties {
    period = period == null ? Duration.ofMinutes(5) : period;
    degradedAfter = degradedAfter == null ? Duration.ofSeconds(2) : degradedAfter;
    maxConcurrentChecks = maxConcurrentChecks == null ? 8 : maxConcurrentChecks;
    confirmations = confirmations == null ? 2 : confirmations;
    groupId = groupId == null || groupId.isBlank() ? "health-monitor" : groupId;
    if (maxConcurrentChecks < 1 || confirmations < 1) {
      throw new IllegalArgumentException(
          "switchboard.health.max-concurrent-checks and switchboard.health.confirmations must be at least 1");
    }
  }

  /** Never the global token. */
  @Override
  public String toString() {
    return "HealthProperties[period=" + period + ", degradedAfter=" + degradedAfter + ", maxConcurrentChecks="
        + maxConcurrentChecks + ", confirmations=" + confirmations + ", globalAccountSid=" + globalAccountSid
        + ", globalAuthToken=" + (globalAuthToken == null || globalAuthToken.isBlank() ? "none" : "****") + "]";
  }

  public boolean hasGlobalCredentials() {
    return globalAccountSid != null && !globalAccountSid.isBlank() && globalAuthToken != null
        && !globalAuthToken.isBlank();
  }
}
