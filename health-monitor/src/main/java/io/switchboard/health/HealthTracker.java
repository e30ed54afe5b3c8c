package io.switchboard.health;

import io.switchboard.schemas.tenants.HealthAlert;
import io.switchboard.schemas.tenants.HealthAlertType;
import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's settled health, with hysteresis: a status replaces the settled one only after it
 * has been seen {@code confirmations} times in a row, so one slow or failed check does not flap.
 * Settling on DOWN raises DEPENDENCY_HEALTH_CRITICAL, leaving DOWN raises DEPENDENCY_HEALTH_RECOVERED,
 * each once per transition.
 */
public final class HealthTracker {

  private record State(TenantHealth settled, HealthStatus candidate, int seen) {}

  private final int confirmations;
  private final Clock clock;
  private final Map<String, State> states = new ConcurrentHashMap<>();

  public HealthTracker(int confirmations, Clock clock) {
    if (confirmations < 1) {
      throw new IllegalArgumentException("confirmations must be at least 1");
    }
    this.confirmations = confirmations;
    this.clock = clock;
  }

  /** Records one check; returns the alert its transition raises, if any. */
  public synchronized Optional<HealthAlert> record(TenantHealth health) {
    State state = states.get(health.getCompanyId());
    HealthStatus settledStatus = state == null || state.settled() == null ? null : state.settled().getStatus();
    if (health.getStatus() == settledStatus) {
      states.put(health.getCompanyId(), new State(health, null, 0));
      return Optional.empty();
    }
    int seen = state != null && state.candidate() == health.getStatus() ? state.seen() + 1 : 1;
    if (seen < confirmations && settledStatus != null) {
      states.put(health.getCompanyId(), new State(state.settled(), health.getStatus(), seen));
      return Optional.empty();
    }
    states.put(health.getCompanyId(), new State(health, null, 0));
    if (health.getStatus() == HealthStatus.DOWN) {
      return Optional.of(alert(health, HealthAlertType.DEPENDENCY_HEALTH_CRITICAL, settledStatus));
    }
    if (settledStatus == HealthStatus.DOWN) {
      return Optional.of(alert(health, HealthAlertType.DEPENDENCY_HEALTH_RECOVERED, settledStatus));
    }
    return Optional.empty();
  }

  /** The settled health of every tenant. */
  public Map<String, TenantHealth> settled() {
    Map<String, TenantHealth> settled = new java.util.HashMap<>();
    states.forEach((id, state) -> {
      if (state.settled() != null) {
        settled.put(id, state.settled());
      }
    });
    return settled;
  }

  /**
   * Starts from a health another instance published (this one takes the company over): the next
   * check is compared with it, so a status already alerted on raises nothing again.
   */
  public synchronized void seed(TenantHealth last) {
    states.putIfAbsent(last.getCompanyId(), new State(last, null, 0));
  }

  public void forget(String companyId) {
    states.remove(companyId);
  }

  private HealthAlert alert(TenantHealth health, HealthAlertType type, HealthStatus previous) {
    return HealthAlert.newBuilder()
        .setCompanyId(health.getCompanyId())
        .setType(type)
        .setStatus(health.getStatus())
        .setPreviousStatus(previous)
        .setReason(health.getReason())
        .setRaisedAt(clock.instant())
        .build();
  }
}
