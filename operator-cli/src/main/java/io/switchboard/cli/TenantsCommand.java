package io.switchboard.cli;

import io.switchboard.kafka.TopicScan;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.TenantHealth;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code switchboard tenants health}: the health monitor's latest view of every company, as a table. */
@Command(name = "tenants", mixinStandardHelpOptions = true, description = "Look at tenants.",
    subcommands = TenantsCommand.Health.class)
final class TenantsCommand {

  @Command(name = "health", mixinStandardHelpOptions = true, description = "Latest Twilio health of every company.")
  static final class Health implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, TenantHealth> latest = new TreeMap<>();
      try (KafkaConsumer<String, TenantHealth> consumer = cluster.clients().consumer(Topics.TENANT_HEALTH, null,
          "switchboard-cli")) {
        TopicScan.readToEnd(consumer, List.of(Topics.TENANT_HEALTH.name()), r -> {
          if (r.value() == null) {
            latest.remove(r.key());
          } else {
            latest.put(r.key(), r.value());
          }
        });
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-26s %-15s %-10s %8s  %-24s %s%n", "COMPANY", "STATUS", "ACCOUNT", "LATENCY", "CHECKED", "REASON");
      latest.values().forEach(h -> out.printf("%-26s %-15s %-10s %8s  %-24s %s%n", h.getCompanyId(), h.getStatus(),
          h.getAccountStatus() == null ? "-" : h.getAccountStatus(),
          h.getLatencyMs() == null ? "-" : h.getLatencyMs() + " ms", h.getCheckedAt(),
          h.getReason() == null ? "" : h.getReason()));
      out.printf("%d companies%n", latest.size());
      out.flush();
      return 0;
    }
  }
}
