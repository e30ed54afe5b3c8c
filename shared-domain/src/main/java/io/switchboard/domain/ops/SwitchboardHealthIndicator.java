package io.switchboard.domain.ops;

import io.switchboard.kafka.ReadinessCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The process's own readiness, from every {@link ReadinessCheck} it has: UP when none reports a
 * problem, otherwise DOWN with each problem by name. Part of the readiness group, not of liveness:
 * a process that cannot reach Kafka is taken out of traffic, not restarted.
 */
public final class SwitchboardHealthIndicator implements HealthIndicator {

  private final Supplier<List<ReadinessCheck>> checks;

  /** @param checks the process's checks, asked for at each probe (beans may come and go while it starts) */
  public SwitchboardHealthIndicator(Supplier<List<ReadinessCheck>> checks) {
    this.checks = checks;
  }

  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    boolean up = true;
    for (ReadinessCheck check : checks.get()) {
      var problem = check.problem();
      details.put(check.readinessName(), problem.orElse("ok"));
      up &= problem.isEmpty();
    }
    return (up ? Health.up() : Health.down()).withDetails(details).build();
  }
}
