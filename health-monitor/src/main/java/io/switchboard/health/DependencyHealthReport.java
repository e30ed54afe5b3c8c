package io.switchboard.health;

import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The answer of {@code GET /api/admin/notifications/dependency-health}, keeping the seed's
 * contract ({@code status}, {@code critical}, {@code message}, {@code details.credentialSource},
 * {@code details.accountStatus}) and adding every tenant and the counts by status. The global
 * credentials, when configured, decide the headline, as in the seed; otherwise the worst tenant
 * does (DOWN before DEGRADED before HEALTHY). With no credentials anywhere the answer is
 * NOT_CONFIGURED and not critical.
 */
public final class DependencyHealthReport {

  private DependencyHealthReport() {}

  public static Map<String, Object> build(Optional<TenantHealth> global, Map<String, TenantHealth> tenants,
      Function<String, String> companyName) {
    Map<HealthStatus, Integer> counts = new EnumMap<>(HealthStatus.class);
    for (HealthStatus status : List.of(HealthStatus.HEALTHY, HealthStatus.DEGRADED, HealthStatus.DOWN,
        HealthStatus.NOT_CONFIGURED)) {
      counts.put(status, 0);
    }
    List<Map<String, Object>> list = new ArrayList<>();
    tenants.values().stream().sorted(Comparator.comparing(TenantHealth::getCompanyId)).forEach(health -> {
      counts.merge(health.getStatus(), 1, Integer::sum);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("companyId", health.getCompanyId());
      entry.put("companyName", companyName.apply(health.getCompanyId()));
      entry.put("status", health.getStatus().name());
      entry.put("reason", health.getReason());
      entry.put("accountStatus", health.getAccountStatus());
      entry.put("latencyMs", health.getLatencyMs());
      entry.put("checkedAt", health.getCheckedAt().toString());
      list.add(entry);
    });

    TenantHealth headline;
    String source;
    if (global.isPresent()) {
      headline = global.get();
      source = "global";
    } else {
      headline = tenants.values().stream().filter(h -> h.getStatus() != HealthStatus.NOT_CONFIGURED)
          .min(Comparator.comparingInt(DependencyHealthReport::severity).reversed()
              .thenComparing(TenantHealth::getCompanyId)).orElse(null);
      source = headline == null ? null : "company:" + companyName.apply(headline.getCompanyId());
    }
    HealthStatus status = headline == null ? HealthStatus.NOT_CONFIGURED : headline.getStatus();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("credentialSource", source);
    details.put("accountStatus", headline == null ? null : headline.getAccountStatus());
    details.put("latencyMs", headline == null ? null : headline.getLatencyMs());
    details.put("checkedAt", headline == null ? null : headline.getCheckedAt().toString());

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("status", status.name());
    report.put("critical", status == HealthStatus.DOWN);
    report.put("message", message(status, headline, source, counts, tenants.size()));
    report.put("details", details);
    Map<String, Integer> countNames = new LinkedHashMap<>();
    counts.forEach((s, n) -> countNames.put(s.name(), n));
    report.put("counts", countNames);
    report.put("tenants", list);
    return report;
  }

  private static int severity(TenantHealth health) {
    return switch (health.getStatus()) {
      case DOWN -> 3;
      case DEGRADED -> 2;
      case HEALTHY -> 1;
      default -> 0;
    };
  }

  private static String message(HealthStatus status, TenantHealth headline, String source,
      Map<HealthStatus, Integer> counts, int tenants) {
    if (headline == null) {
      return "No Twilio credentials are configured, globally or for any company";
    }
    String summary = counts.get(HealthStatus.DOWN) + " of " + tenants + " companies DOWN, "
        + counts.get(HealthStatus.DEGRADED) + " DEGRADED";
    return switch (status) {
      case HEALTHY -> "Twilio is reachable with the " + source + " credentials; " + summary;
      case DEGRADED -> "Twilio is slow with the " + source + " credentials: " + headline.getReason() + "; " + summary;
      default -> "Twilio check failed with the " + source + " credentials: " + headline.getReason() + "; " + summary;
    };
  }
}
