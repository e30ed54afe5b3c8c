package io.switchboard.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DependencyHealthReportTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void shouldAnswerNotConfiguredAndNotCriticalWithoutCredentialsAnywhere() {
    Map<String, Object> report = DependencyHealthReport.build(Optional.empty(),
        Map.of("acme", health("acme", HealthStatus.NOT_CONFIGURED, null, null)), id -> id);

    assertThat(report).containsEntry("status", "NOT_CONFIGURED").containsEntry("critical", false);
    assertThat(details(report)).containsEntry("credentialSource", null);
  }

  @Test
  void shouldLetTheGlobalCredentialsDecideTheHeadlineAsTheSeedDid() {
    Map<String, Object> report = DependencyHealthReport.build(
        Optional.of(health("global", HealthStatus.HEALTHY, null, "active")),
        Map.of("acme", health("acme", HealthStatus.DOWN, "Twilio rejected the credentials (401)", null)), id -> id);

    assertThat(report).containsEntry("status", "HEALTHY").containsEntry("critical", false);
    assertThat(details(report)).containsEntry("credentialSource", "global").containsEntry("accountStatus", "active");
    assertThat(report.get("counts")).isEqualTo(Map.of("HEALTHY", 0, "DEGRADED", 0, "DOWN", 1, "NOT_CONFIGURED", 0));
  }

  @Test
  void shouldHeadlineTheWorstTenantByNameAndBeCriticalWhenItIsDown() {
    Map<String, Object> report = DependencyHealthReport.build(Optional.empty(), Map.of(
        "a", health("a", HealthStatus.HEALTHY, null, "active"),
        "b", health("b", HealthStatus.DOWN, "Twilio account is suspended", "suspended"),
        "c", health("c", HealthStatus.DEGRADED, "Twilio answered in 2500 ms", "active")),
        id -> id.equals("b") ? "Bob's Plumbing" : id);

    assertThat(report).containsEntry("status", "DOWN").containsEntry("critical", true);
    assertThat(details(report)).containsEntry("credentialSource", "company:Bob's Plumbing")
        .containsEntry("accountStatus", "suspended");
    assertThat((String) report.get("message")).contains("suspended").contains("1 of 3 companies DOWN");
    assertThat((List<?>) report.get("tenants")).hasSize(3);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(Map<String, Object> report) {
    return (Map<String, Object>) report.get("details");
  }

  private static TenantHealth health(String id, HealthStatus status, String reason, String accountStatus) {
    return TenantHealth.newBuilder().setCompanyId(id).setStatus(status).setReason(reason)
        .setAccountStatus(accountStatus).setLatencyMs(12L).setCheckedAt(T0).build();
  }
}
