package io.switchboard.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.bench.Fleet;
import io.switchboard.bench.OpenLoopLoad;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.events.SideEffectStatus;
import io.switchboard.schemas.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * Two call-handler instances share the side effects while a third member joins their consumer group
 * and leaves again every few seconds, forcing a rebalance each time (20 in all), and one tenant's
 * Twilio answers slowly so that its lane always has work queued when partitions move. Counted at
 * the Twilio stand-in per message: every SMS is sent exactly once.
 */
class RebalanceIT {

  private static final int REBALANCES = 20 * FaultLoad.scale();
  private static final String SLOW_COMPANY_NOTE = "slow";

  @Test
  void shouldSendEverySmsExactlyOnceAcrossTwentyForcedRebalances() throws Exception {
    Fleet fleet = Fleet.generate(10, 10, 31);
    try (LocalStack stack = LocalStack.startWithRegistry(FaultRegistry.url())) {
      fleet.registerWith(stack.twilio());
      stack.twilio().register(fleet.accountSid(0), fleet.authToken(0), TwilioStandIn.Behaviour.OK, Duration.ofMillis(400));
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      Path workDir = Files.createDirectories(stack.workDir().resolve("handlers"));
      try (SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(), Set.of("call-handler"));
          HandlerProcess first = new HandlerProcess("call-handler", FaultLoad.withState(
              services.settingsFor("call-handler"), workDir.resolve("a")), workDir.resolve("a.log"));
          HandlerProcess second = new HandlerProcess("call-handler", FaultLoad.withState(
              services.settingsFor("call-handler"), workDir.resolve("b")), workDir.resolve("b.log"));
          KafkaProducer<String, SideEffect> sms = stack.kafkaClients().producer(Topics.SIDE_EFFECTS, "fault-sms")) {
        first.start();
        second.start();
        await("both call-handlers are ready").atMost(Duration.ofSeconds(120)).until(() -> first.ready() && second.ready());

        Set<String> bodies = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // 30 SMS a second for 50 s (times the scale), across the companies, while the rebalances are forced.
        CompletableFuture<OpenLoopLoad.Result> producing = CompletableFuture.supplyAsync(() ->
            OpenLoopLoad.run(30, Duration.ofSeconds(50L * FaultLoad.scale()), Duration.ofSeconds(10), (i, t) -> {
              int company = (int) (i % fleet.companies());
              String body = "rebalance sms " + i + (company == 0 ? " " + SLOW_COMPANY_NOTE : "");
              String effectId = SideEffectKind.SEND_SMS + ":rebalance-" + i;
              bodies.add(body);
              CompletableFuture<Outcome> sent = new CompletableFuture<>();
              sms.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effectId, SideEffect.newBuilder()
                  .setEffectId(effectId).setKind(SideEffectKind.SEND_SMS).setEventId("rebalance-" + i)
                  .setCompanyId(fleet.companyId(company)).setTo("+15559990001")
                  .setFrom(fleet.number(fleet.firstNumberOf(company))).setBody(body).setRequestedAt(Instant.now())
                  .build()), (metadata, error) -> sent.complete(error == null ? Outcome.OK : Outcome.NO_ANSWER));
              return sent;
            }));

        int rebalances = 0;
        for (int round = 0; round < REBALANCES / 2; round++) {
          // A member that joins takes partitions from the two instances and, leaving, gives them back:
          // two rebalances, each moving partitions with work queued on them. It commits nothing.
          try (KafkaConsumer<String, byte[]> intruder = intruder(stack)) {
            intruder.subscribe(List.of(Topics.SIDE_EFFECTS.name()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
              intruder.poll(Duration.ofMillis(100));
              return !intruder.assignment().isEmpty();
            });
            rebalances++;
          }
          rebalances++;
          // The next one once the instances have got on with their work.
          int seen = stack.twilio().received().size();
          await().atMost(Duration.ofSeconds(60)).until(() -> stack.twilio().received().size() >= seen + 20);
        }
        assertThat(producing.join().count(Outcome.OK)).isEqualTo(bodies.size());

        Map<String, SideEffectOutcome> outcomes = await("every SMS settled").atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> TopicReader.table(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES), table ->
                table.size() >= bodies.size() && table.values().stream().noneMatch(o ->
                    o.getStatus() == SideEffectStatus.STARTED || o.getStatus() == SideEffectStatus.RETRYING));
        Set<String> unknown = outcomes.values().stream().filter(o -> o.getStatus() == SideEffectStatus.UNKNOWN)
            .map(SideEffectOutcome::getEffectId).collect(Collectors.toSet());
        Map<String, Long> sentBefore = FaultLoad.sendsPerBody(stack.twilio());
        int redriven = FaultLoad.redriveUnknown(stack, unknown);
        await("every redriven SMS settled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> TopicReader.table(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES).values().stream()
                .allMatch(o -> o.getStatus() == SideEffectStatus.APPLIED));
        Map<String, Long> sent = FaultLoad.sendsPerBody(stack.twilio());
        Set<String> slow = new HashSet<>(bodies.stream().filter(b -> b.endsWith(SLOW_COMPANY_NOTE)).toList());

        FaultReport.write("Forced rebalances (" + getClass().getSimpleName() + ")", String.format(
            "- %,d SMS over 10 companies (%,d for one whose Twilio answers in 400 ms), two call-handler instances,"
                + " %d rebalances forced by a member joining and leaving their group%n"
                + "- UNKNOWN after the rebalances: %d (sent back with --force: %d)%n"
                + "- **duplicate SMS: %d**; sent exactly once: %,d of %,d",
            bodies.size(), slow.size(), rebalances, unknown.size(), redriven,
            sent.values().stream().filter(n -> n > 1).count(),
            bodies.stream().filter(b -> sent.getOrDefault(b, 0L) == 1).count(), bodies.size()));

        assertThat(rebalances).isEqualTo(REBALANCES);
        assertThat(sentBefore.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(bodies).allSatisfy(body -> assertThat(sent.getOrDefault(body, 0L)).as("SMS '%s'", body).isEqualTo(1));
      }
    }
  }

  private static KafkaConsumer<String, byte[]> intruder(LocalStack stack) {
    Properties props = new Properties();
    props.putAll(stack.kafkaClientProperties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "call-handler-side-effects");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "rebalance-forcer");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    return new KafkaConsumer<>(props, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
  }
}
