package io.switchboard.bench.faults;

import static org.awaitility.Awaitility.await;

import io.switchboard.bench.Fleet;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.VoiceWebhooks;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;

/** Helpers shared by the fault scenarios. */
final class FaultLoad {

  private static final AtomicLong PROBES = new AtomicLong(Long.MAX_VALUE / 2);

  private FaultLoad() {}

  /**
   * How many times longer than in the test run each scenario runs (its load, outage, kills and
   * rebalances): {@code -Dswitchboard.faults.scale=10} gives the soak variant.
   */
  static int scale() {
    return Math.max(1, Integer.getInteger("switchboard.faults.scale", 1));
  }

  /** Waits until the first number of every company is answered with that company's TwiML. */
  static void awaitRouting(Fleet fleet, VoiceWebhooks webhooks) {
    for (int company = 0; company < fleet.companies(); company++) {
      int number = fleet.firstNumberOf(company);
      await("company " + company + " routes").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
          .until(() -> webhooks.call(number, webhooks.callSid(PROBES.incrementAndGet())).join() == Outcome.OK);
    }
  }

  /**
   * A killed instance's consumers never leave their groups: the group notices only when their
   * session expires (45 s by default), and until then their partitions wait. Six seconds here, so
   * that ten kills fit in the suite's time; the figure to weigh in production is in
   * docs/reliability.md.
   */
  static List<String> withState(List<String> settings, Path workDir) {
    return java.util.stream.Stream.concat(settings.stream(), java.util.stream.Stream.of(
        "--switchboard.call-handler.state-dir=" + workDir.resolve("state"),
        "--switchboard.kafka.properties.session.timeout.ms=6000",
        "--switchboard.kafka.properties.heartbeat.interval.ms=1500")).toList();
  }

  static Map<String, Long> updatesPerCall(TwilioStandIn twilio) {
    return twilio.received().stream()
        .filter(r -> "POST".equals(r.method()) && r.template() != null && r.template().endsWith("/Calls/{Sid}.json"))
        .collect(Collectors.groupingBy(r -> r.path().substring(r.path().lastIndexOf('/') + 1, r.path().length() - 5),
            Collectors.counting()));
  }

  static Map<String, Long> sendsPerBody(TwilioStandIn twilio) {
    return twilio.received().stream()
        .filter(r -> "POST".equals(r.method()) && r.template() != null && r.template().endsWith("/Messages.json"))
        .map(r -> r.form().get("Body").get(0))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  /** What {@code switchboard dlt redrive --force} does, for each dead-lettered effect whose outcome is UNKNOWN. */
  static int redriveUnknown(LocalStack stack, Set<String> unknown) throws Exception {
    Map<String, ConsumerRecord<String, byte[]>> dead = TopicReader.readAll(stack.kafkaClients(), Topics.SIDE_EFFECTS_DLT)
        .stream().filter(r -> unknown.contains(r.key()))
        .collect(Collectors.toMap(ConsumerRecord::key, Function.identity(), (a, b) -> b));
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.kafkaClients().producerProperties("fault-op"),
        Serdes.String().serializer(), Serdes.ByteArray().serializer())) {
      for (ConsumerRecord<String, byte[]> record : dead.values()) {
        ProducerRecord<String, byte[]> back = new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), record.key(), record.value());
        back.headers().add(DeadLetterHeaders.REDRIVE_FORCE, "true".getBytes(StandardCharsets.UTF_8));
        producer.send(back).get();
      }
    }
    assertThat(dead.keySet()).as("every UNKNOWN effect is dead-lettered").isEqualTo(unknown);
    return dead.size();
  }
}
