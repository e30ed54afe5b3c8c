package io.switchboard.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.tenants.HealthAlert;
import io.switchboard.schemas.tenants.HealthAlertType;
import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final HealthTracker tracker = new HealthTracker(2, Clock.fixed(T0, ZoneOffset.UTC));

  @Test
  void shouldSettleTheFirstResultAtOnceAndAlertWhenItIsDown() {
    Optional<HealthAlert> alert = tracker.record(health(HealthStatus.DOWN, "Twilio rejected the credentials (401)"));

    assertThat(alert).hasValueSatisfying(a -> {
      assertThat(a.getType()).isEqualTo(HealthAlertType.DEPENDENCY_HEALTH_CRITICAL);
      assertThat(a.getPreviousStatus()).isNull();
      assertThat(a.getReason()).contains("401");
    });
    assertThat(tracker.settled().get("acme").getStatus()).isEqualTo(HealthStatus.DOWN);
  }

  @Test
  void shouldIgnoreASingleBadCheckOfAHealthyTenant() {
    tracker.record(health(HealthStatus.HEALTHY, null));

    assertThat(tracker.record(health(HealthStatus.DOWN, "Twilio answered 500"))).isEmpty();
    assertThat(tracker.record(health(HealthStatus.HEALTHY, null))).isEmpty();
    assertThat(tracker.settled().get("acme").getStatus()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void shouldAlertOncePerTransitionAfterTheConfirmations() {
    tracker.record(health(HealthStatus.HEALTHY, null));

    assertThat(tracker.record(health(HealthStatus.DOWN, "x"))).isEmpty();
    assertThat(tracker.record(health(HealthStatus.DOWN, "x"))).map(HealthAlert::getType)
        .contains(HealthAlertType.DEPENDENCY_HEALTH_CRITICAL);
    assertThat(tracker.record(health(HealthStatus.DOWN, "x"))).isEmpty();
    assertThat(tracker.record(health(HealthStatus.HEALTHY, null))).isEmpty();
    assertThat(tracker.record(health(HealthStatus.HEALTHY, null))).hasValueSatisfying(a -> {
      assertThat(a.getType()).isEqualTo(HealthAlertType.DEPENDENCY_HEALTH_RECOVERED);
      assertThat(a.getPreviousStatus()).isEqualTo(HealthStatus.DOWN);
    });
  }

  @Test
  void shouldNotAlertWhenAHealthyTenantBecomesDegraded() {
    tracker.record(health(HealthStatus.HEALTHY, null));
    tracker.record(health(HealthStatus.DEGRADED, "slow"));

    assertThat(tracker.record(health(HealthStatus.DEGRADED, "slow"))).isEmpty();
    assertThat(tracker.settled().get("acme").getStatus()).isEqualTo(HealthStatus.DEGRADED);
  }

  private static TenantHealth health(HealthStatus status, String reason) {
    return TenantHealth.newBuilder().setCompanyId("acme").setStatus(status).setReason(reason).setCheckedAt(T0).build();
  }
}
