package io.switchboard.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.bench.Fleet;
import io.switchboard.bench.LoadClient;
import io.switchboard.bench.OpenLoopLoad;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.VoiceWebhooks;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallDeferred;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The call-handler, run from the production jar, is killed (SIGKILL) ten times while calls are
 * being answered with the holding answer and SMS are being sent, and started again each time.
 * Counted at the Twilio stand-in per CallSid and per message body: no call is updated twice, no
 * SMS is sent twice. An effect cut off between its STARTED record and Twilio's answer is UNKNOWN
 * (never guessed at); the operator's forced redrive asks Twilio and completes it, after which every
 * deferred call has been updated exactly once and every SMS sent exactly once.
 */
class HandlerCrashIT {

  private static final int KILLS = 10 * FaultLoad.scale();
  private static final int SMS_PER_ROUND = 15;

  @Test
  void shouldPerformEverySideEffectExactlyOnceAcrossTenAbruptHandlerStops() throws Exception {
    Fleet fleet = Fleet.generate(20, 60, 21);
    try (LocalStack stack = LocalStack.startWithRegistry(FaultRegistry.url())) {
      fleet.registerWith(stack.twilio());
      for (int company = 0; company < fleet.companies(); company++) {
        // Twilio takes its time, so that kills land while calls to it are in flight.
        stack.twilio().register(fleet.accountSid(company), fleet.authToken(company), TwilioStandIn.Behaviour.OK,
            Duration.ofMillis(80));
      }
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      Path workDir = Files.createDirectories(stack.workDir().resolve("handler"));
      try (SwitchboardServices services = SwitchboardServices.start(stack, null,
              Map.of("switchboard.ingress.reply-budget", "150ms"), Set.of("call-handler"));
          HandlerProcess handler = new HandlerProcess("call-handler", FaultLoad.withState(services.settingsFor("call-handler"),
              workDir), workDir.resolve("call-handler.log"));
          LoadClient http = new LoadClient(OpenLoopLoad.DEFAULT_MAX_IN_FLIGHT, Duration.ofSeconds(15));
          KafkaProducer<String, SideEffect> sms = stack.kafkaClients().producer(Topics.SIDE_EFFECTS, "fault-sms")) {
        handler.start();
        await("the call-handler is ready").atMost(Duration.ofSeconds(120)).until(handler::ready);
        VoiceWebhooks webhooks = new VoiceWebhooks(fleet, services.publicBaseUrl() + "/api/twilio/voice", http, 21);
        FaultLoad.awaitRouting(fleet, webhooks);

        CompletableFuture<OpenLoopLoad.Result> load = CompletableFuture.supplyAsync(() ->
            OpenLoopLoad.run(25, Duration.ofSeconds(KILLS * 14L), Duration.ofSeconds(30), (i, t) -> webhooks.call(i)));
        Set<String> smsBodies = new HashSet<>();
        for (int round = 0; round < KILLS; round++) {
          for (int i = 0; i < SMS_PER_ROUND; i++) {
            int company = (round * SMS_PER_ROUND + i) % fleet.companies();
            String body = "fault sms " + round + "-" + i;
            String effectId = SideEffectKind.SEND_SMS + ":fault-" + round + "-" + i;
            smsBodies.add(body);
            sms.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effectId, SideEffect.newBuilder()
                .setEffectId(effectId).setKind(SideEffectKind.SEND_SMS).setEventId("fault-" + round + "-" + i)
                .setCompanyId(fleet.companyId(company)).setTo("+15559990000").setFrom(fleet.number(fleet.firstNumberOf(company)))
                .setBody(body).setRequestedAt(Instant.now()).build()));
          }
          sms.flush();
          int before = stack.twilio().received().size();
          // Killed once it is busy with Twilio: effects are in flight.
          await().atMost(Duration.ofSeconds(60)).until(() -> stack.twilio().received().size() >= before + 5);
          handler.kill();
          handler.start();
          await("the call-handler is ready again").atMost(Duration.ofSeconds(120)).until(handler::ready);
        }
        OpenLoopLoad.Result result = load.join();

        // Settled: every deferral has its outcome, every SMS its outcome, nothing STARTED or RETRYING.
        Set<String> deferredCalls = TopicReader.readAll(stack.kafkaClients(), Topics.DEFERRALS).stream()
            .map(ConsumerRecord::value).filter(d -> d.getKind() == WebhookKind.VOICE && d.getCompanyId() != null)
            .map(CallDeferred::getCallSid).collect(Collectors.toSet());
        Map<String, SideEffectOutcome> outcomes = await("every side effect settled").atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> TopicReader.table(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES), table ->
                table.values().stream().filter(o -> o.getKind() == SideEffectKind.CALL_UPDATE).count() >= deferredCalls.size()
                    && table.values().stream().filter(o -> o.getKind() == SideEffectKind.SEND_SMS).count() >= smsBodies.size()
                    && table.values().stream().noneMatch(o -> o.getStatus() == SideEffectStatus.STARTED
                        || o.getStatus() == SideEffectStatus.RETRYING));
        Set<String> unknown = outcomes.values().stream().filter(o -> o.getStatus() == SideEffectStatus.UNKNOWN)
            .map(SideEffectOutcome::getEffectId).collect(Collectors.toSet());
        Map<String, Long> updatesBeforeRedrive = FaultLoad.updatesPerCall(stack.twilio());
        Map<String, Long> smsBeforeRedrive = FaultLoad.sendsPerBody(stack.twilio());

        // The operator sends every UNKNOWN effect back with --force: Twilio is asked first.
        int redriven = FaultLoad.redriveUnknown(stack, unknown);
        await("every redriven effect settled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> TopicReader.table(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES).values().stream()
                .noneMatch(o -> o.getStatus() == SideEffectStatus.UNKNOWN || o.getStatus() == SideEffectStatus.STARTED
                    || o.getStatus() == SideEffectStatus.RETRYING));
        Map<String, Long> updates = FaultLoad.updatesPerCall(stack.twilio());
        Map<String, Long> smsSent = FaultLoad.sendsPerBody(stack.twilio());

        long duplicateUpdates = updates.values().stream().filter(n -> n > 1).count();
        long duplicateSms = smsSent.values().stream().filter(n -> n > 1).count();
        FaultReport.write("Call-handler killed " + KILLS + " times (" + getClass().getSimpleName() + ")", String.format(
            "- %,d calls at 25/s (%,d right inline, %,d held), %,d SMS; the handler killed with SIGKILL %d times"
                + " while calling a Twilio that answers in 80 ms%n"
                + "- %,d calls answered with the holding answer; %,d of them updated before any redrive%n"
                + "- UNKNOWN after the kills (cut off between STARTED and Twilio's answer): %d; sent back with --force:"
                + " %d%n"
                + "- **duplicate call updates: %d; duplicate SMS: %d**; after the redrive every held call updated"
                + " once (%,d) and every SMS sent once (%,d)",
            result.sent(), result.count(Outcome.OK), result.count(Outcome.DEFERRED), smsBodies.size(), KILLS,
            deferredCalls.size(), deferredCalls.stream().filter(updatesBeforeRedrive::containsKey).count(),
            unknown.size(), redriven, duplicateUpdates, duplicateSms,
            deferredCalls.stream().filter(c -> updates.getOrDefault(c, 0L) == 1).count(),
            smsBodies.stream().filter(b -> smsSent.getOrDefault(b, 0L) == 1).count()));

        assertThat(smsBeforeRedrive.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(updatesBeforeRedrive.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(deferredCalls).isNotEmpty().allSatisfy(call ->
            assertThat(updates.getOrDefault(call, 0L)).as("updates of %s", call).isEqualTo(1));
        assertThat(smsBodies).allSatisfy(body ->
            assertThat(smsSent.getOrDefault(body, 0L)).as("SMS '%s'", body).isEqualTo(1));
        assertThat(updates.keySet()).isSubsetOf(deferredCalls);
      }
    }
  }

}
