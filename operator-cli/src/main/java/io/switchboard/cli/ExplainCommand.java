package io.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.domain.routing.CallRouting;
import io.switchboard.schemas.common.BusinessHours;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.kafka.TopicScan;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import io.switchboard.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Which company a number routes to and why, and what its last webhook resolved to. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain which company a number routes to, from which field, any conflict, its last webhook, "
        + "and the owner's routing: its business hours and what a call now would get.")
final class ExplainCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The number, in any written form (+15551234567, (555) 123-4567)")
  String number;

  @Mixin
  ResolverOptions resolver;

  @Mixin
  ClusterOptions cluster;

  Clock clock = Clock.systemUTC();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode answer = resolver.api().explain(number);
    PrintWriter out = spec.commandLine().getOut();
    out.println(answer.path("e164").asText());
    if (answer.path("ownerCompanyId").isNull() || answer.path("ownerCompanyId").isMissingNode()) {
      out.println("  owner      none");
    } else {
      out.printf("  owner      %s (%s, %s)%n", answer.path("ownerCompanyId").asText(), answer.path("ownerField").asText(),
          answer.path("status").asText());
    }
    for (JsonNode claim : answer.path("claims")) {
      out.printf("  claim      %s %s in %s since %s%n", claim.path("companyId").asText(), claim.path("status").asText(),
          claim.path("source").asText(), claim.path("claimedAt").asText());
    }
    JsonNode conflicts = answer.path("conflictingCompanyIds");
    out.println("  conflicts  " + (conflicts.isEmpty() ? "none" : conflicts.toString()));
    JsonNode last = answer.path("lastWebhook");
    if (last.isObject()) {
      String sid = last.path("callSid").isNull() ? last.path("messageSid").asText() : last.path("callSid").asText();
      out.printf("  last       %s at %s: %s%n", sid, last.path("receivedAt").asText(),
          last.path("resolved").asBoolean() ? "resolved to " + last.path("companyId").asText()
              : "unroutable, " + last.path("reason").asText());
    } else {
      out.println("  last       no webhook seen");
    }
    out.println("  verdict    " + answer.path("verdict").asText());
    JsonNode owner = answer.path("ownerCompanyId");
    if (owner.isTextual()) {
      try {
        routing(out, owner.asText());
      } catch (IllegalStateException | IllegalArgumentException e) {
        out.println("  routing    not shown: " + e.getMessage());
      }
    }
    out.flush();
    return 0;
  }

  /** The owner's routing from its config on the topic: its schedule, and what a call now gets. */
  private void routing(PrintWriter out, String companyId) {
    // Only the owner's latest record is decoded: another company's record that does not decode (a
    // dead-lettered one) does not stop the command.
    CompanyConfig[] config = new CompanyConfig[1];
    try (KafkaClients clients = cluster.clients();
        KafkaConsumer<String, byte[]> consumer = clients.consumer(null, "switchboard-cli",
            Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      byte[][] latest = new byte[1][];
      TopicScan.readToEnd(consumer, List.of(Topics.COMPANY_CONFIG.name()), r -> {
        if (companyId.equals(r.key())) {
          latest[0] = r.value();
        }
      });
      if (latest[0] != null) {
        try {
          config[0] = Topics.COMPANY_CONFIG.valueSerde(clients.registry()).deserializer()
              .deserialize(Topics.COMPANY_CONFIG.name(), latest[0]);
        } catch (RuntimeException e) {
          out.println("  routing    the company's configuration record does not decode: " + e.getMessage());
          return;
        }
      }
    }
    if (config[0] == null) {
      out.println("  routing    no configuration for " + companyId + " on " + Topics.COMPANY_CONFIG.name());
      return;
    }
    RoutingSnapshot route = config[0].getRouting();
    out.println("  routing    " + describe(route.getRoutingMode(), route.getForwardNumber()));
    BusinessHours hours = route.getBusinessHours();
    if (hours == null) {
      out.println("  hours      none: the routing mode applies at all hours");
    } else {
      out.println("  hours      " + hours.getWeekly().stream()
          .map(h -> h.getDay().substring(0, 3) + " " + h.getOpen() + "-" + h.getClose()).collect(Collectors.joining(", "))
          + " (" + hours.getTimeZone() + "); after hours: "
          + describe(hours.getAfterHoursMode(), hours.getAfterHoursForwardNumber() != null
              ? hours.getAfterHoursForwardNumber() : route.getForwardNumber()));
      hours.getExceptions().forEach(day -> out.println("  exception  " + day.getDate() + " "
          + (day.getOpen() == null ? "closed" : day.getOpen() + "-" + day.getClose())
          + (day.getNote() == null ? "" : " (" + day.getNote() + ")")));
    }
    CallRouting.Routing now = CallRouting.at(route, clock.instant());
    out.println("  call now   " + (now.rule() == null ? "" : now.rule() + " -> ")
        + describe(now.mode(), now.route().getForwardNumber()));
    config[0].getWarnings().forEach(warning -> out.println("  warning    " + warning));
    now.warnings().forEach(warning -> out.println("  warning    " + warning));
  }

  private static String describe(RoutingMode mode, String forwardNumber) {
    return switch (mode) {
      case FORWARD -> "forward" + (forwardNumber == null ? "" : " to " + forwardNumber);
      case AI_AGENT -> "ai-agent";
      default -> "voicemail";
    };
  }
}
