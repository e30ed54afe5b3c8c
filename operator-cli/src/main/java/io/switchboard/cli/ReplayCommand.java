package io.switchboard.cli;

import io.switchboard.kafka.TopicScan;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard replay}: sends selected webhooks of {@code twilio.webhooks} through resolution
 * and handling again, e.g. after a company's config was fixed. Each keeps its event id, so no side
 * effect is performed twice (a replayed answer's call update or SMS finds its outcome already
 * recorded), and is marked {@code replay}, which its call events carry for analytics.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Re-process webhooks from twilio.webhooks, without repeating side effects.")
final class ReplayCommand implements Callable<Integer> {

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--from", description = "Only webhooks received at or after this instant (ISO-8601)")
  Instant from;

  @Option(names = "--to", description = "Only webhooks received before this instant (ISO-8601)")
  Instant to;

  @Option(names = "--company", description = "Only webhooks the ingress attributed to this company")
  String company;

  @Option(names = "--number", description = "Only webhooks for this tenant number (E.164)")
  String number;

  @Option(names = "--kind", description = "Only webhooks of this kind: ${COMPLETION-CANDIDATES}")
  WebhookKind kind;

  @Option(names = "--dry-run", description = "Print where each webhook would route now; send nothing")
  boolean dryRun;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    KafkaClients clients = cluster.clients();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = spec.commandLine().getErr();
    List<ConsumerRecord<String, WebhookReceived>> selected = select(clients);
    if (dryRun) {
      Map<String, PhoneRoute> routes = routes(clients);
      for (ConsumerRecord<String, WebhookReceived> record : selected) {
        WebhookReceived event = record.value();
        PhoneRoute route = event.getTenantNumber() == null ? null : routes.get(event.getTenantNumber());
        out.printf("%s %s %s %s: would %s%n", event.getReceivedAt(), event.getKind(), event.getTenantNumber(),
            event.getCallSid() != null ? event.getCallSid() : event.getMessageSid(),
            route == null ? "be unroutable (no company owns the number now)"
                : "route to company " + route.getCompanyId() + " (" + route.getStatus() + ")");
      }
      out.printf("%d webhooks would be replayed (dry run)%n", selected.size());
      out.flush();
      return 0;
    }
    long started = System.nanoTime();
    try (KafkaProducer<String, WebhookReceived> producer = clients.producer(Topics.WEBHOOKS, "switchboard-replay")) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      int done = 0;
      for (ConsumerRecord<String, WebhookReceived> record : selected) {
        WebhookReceived replayed = WebhookReceived.newBuilder(record.value()).setReplay(true).build();
        sent.add(producer.send(new ProducerRecord<>(Topics.WEBHOOKS.name(), record.key(), replayed)));
        if (++done % 500 == 0 || done == selected.size()) {
          double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
          progress.printf("\rreplayed %d/%d (%.0f/s)", done, selected.size(), done / seconds);
          progress.flush();
        }
      }
      for (Future<RecordMetadata> future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    }
    progress.println();
    out.printf("%d webhooks replayed%n", selected.size());
    out.flush();
    return 0;
  }

  private List<ConsumerRecord<String, WebhookReceived>> select(KafkaClients clients) {
    List<ConsumerRecord<String, WebhookReceived>> selected = new ArrayList<>();
    try (KafkaConsumer<String, WebhookReceived> consumer = clients.consumer(Topics.WEBHOOKS, null, "switchboard-replay")) {
      TopicScan.readToEnd(consumer, List.of(Topics.WEBHOOKS.name()), partitions -> {
        consumer.seekToBeginning(partitions);
        if (from != null) {
          Map<TopicPartition, Long> times = new HashMap<>();
          partitions.forEach(p -> times.put(p, from.toEpochMilli()));
          consumer.offsetsForTimes(times).forEach((p, offset) -> {
            if (offset != null) {
              consumer.seek(p, offset.offset());
            } else {
              consumer.seekToEnd(List.of(p));
            }
          });
        }
      }, record -> {
        if (record.value() != null && !record.value().getReplay() && matches(record.value())) {
          selected.add(record);
        }
      });
    }
    return selected;
  }

  private boolean matches(WebhookReceived event) {
    return (from == null || !event.getReceivedAt().isBefore(from))
        && (to == null || event.getReceivedAt().isBefore(to))
        && (company == null || company.equals(event.getCompanyId()))
        && (number == null || number.equals(event.getTenantNumber()))
        && (kind == null || kind == event.getKind());
  }

  private static Map<String, PhoneRoute> routes(KafkaClients clients) {
    Map<String, PhoneRoute> routes = new HashMap<>();
    try (KafkaConsumer<String, PhoneRoute> consumer = clients.consumer(Topics.PHONE_ROUTES, null, "switchboard-replay")) {
      TopicScan.readToEnd(consumer, List.of(Topics.PHONE_ROUTES.name()), r -> {
        if (r.value() == null) {
          routes.remove(r.key());
        } else {
          routes.put(r.key(), r.value());
        }
      });
    }
    return routes;
  }
}
