package io.switchboard.health;

import io.swagger.v3.oas.annotations.Operation;
import io.switchboard.domain.security.JwtApiSecurity;
import io.switchboard.kafka.TopicReplica;
import io.switchboard.schemas.tenants.TenantHealth;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators' view of Twilio health, for admins only. */
@RestController
public class HealthController {

  private final HealthScheduler scheduler;
  private final HealthTracker tracker;

  private final TopicReplica<TenantHealth> published;

  public HealthController(HealthScheduler scheduler, HealthTracker tracker, TopicReplica<TenantHealth> publishedHealth) {
    this.scheduler = scheduler;
    this.tracker = tracker;
    this.published = publishedHealth;
  }

  /**
   * Every tenant, whichever instance checks it: the settled health of the tenants this instance
   * checks, and the last published health of the others.
   */
  private Map<String, TenantHealth> everyTenant() {
    Map<String, TenantHealth> all = new java.util.HashMap<>(published.snapshot());
    all.putAll(tracker.settled());
    return all;
  }

  @Operation(summary = "Every tenant's Twilio health (admins)", description = "The seed platform's dependency-health report: each company's status, reason and last check, and the recent alerts.")
  @GetMapping("/api/admin/notifications/dependency-health")
  public ResponseEntity<Map<String, Object>> dependencyHealth(@AuthenticationPrincipal Jwt jwt) {
    if (!JwtApiSecurity.isAdmin(jwt)) {
      return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", "admin only"));
    }
    return ResponseEntity.ok(DependencyHealthReport.build(scheduler.global(), everyTenant(),
        companyId -> scheduler.company(companyId).map(c -> c.getRouting().getCompanyName())
            .filter(name -> name != null && !name.isBlank()).orElse(companyId)));
  }
}
