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
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * One tenant's Twilio answers every request with a 500 after a second, for 60 s, while SMS for ten
 * tenants flow. The other tenants' SMS go out as fast as before (their latency from request to
 * Twilio, measured at the stand-in, before and during the outage); the failing tenant's are retried
 * with backoff and then dead-lettered with the reason; the heap after the outage is what it was
 * before (queues are bounded, outcomes are on disk).
 */
class TenantOutageIT {

  private static final int RATE = 20;
  private static final Duration OUTAGE = Duration.ofSeconds(60L * FaultLoad.scale());

  @Test
  void shouldKeepOtherTenantsUnaffectedAndMemoryFlatWhileOneTenantsTwilioFails() throws Exception {
    Fleet fleet = Fleet.generate(10, 10, 41);
    try (LocalStack stack = LocalStack.startWithRegistry(FaultRegistry.url())) {
      fleet.registerWith(stack.twilio());
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      try (SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
              "switchboard.call-handler.retry-max-delay", "2s"));
          KafkaProducer<String, SideEffect> sms = stack.kafkaClients().producer(Topics.SIDE_EFFECTS, "fault-sms")) {
        Map<String, Instant> requested = new ConcurrentHashMap<>();
        await("the call-handler knows the fleet").atMost(Duration.ofSeconds(60)).until(() ->
            TopicReader.table(stack.kafkaClients(), Topics.COMPANY_CONFIG).size() >= fleet.companies());

        // Before: every tenant healthy.
        runSms(sms, fleet, "before", Duration.ofSeconds(15), requested);
        await().atMost(Duration.ofSeconds(60)).until(() -> sentBodies(stack, "before") >= RATE * 15);
        Histogram before = latencies(stack, fleet, requested, "before");
        long heapBefore = heapAfterGc();

        // During: tenant 0's Twilio fails for 60 s.
        stack.twilio().register(fleet.accountSid(0), fleet.authToken(0), TwilioStandIn.Behaviour.SERVER_ERROR,
            Duration.ofSeconds(1));
        runSms(sms, fleet, "during", OUTAGE, requested);
        Histogram during = latencies(stack, fleet, requested, "during");
        long heapDuring = heapAfterGc();
        stack.twilio().register(fleet.accountSid(0), fleet.authToken(0), TwilioStandIn.Behaviour.OK);

        long failingRequests = RATE * OUTAGE.toSeconds() / fleet.companies();
        Map<String, SideEffectOutcome> outcomes = await("the failing tenant's SMS dead-lettered")
            .atMost(Duration.ofMinutes(3L * FaultLoad.scale())).pollInterval(Duration.ofSeconds(2))
            .until(() -> TopicReader.table(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES), table -> table.values()
                .stream().filter(o -> o.getCompanyId().equals(fleet.companyId(0)) && o.getEffectId().contains("during"))
                .filter(o -> o.getStatus() == SideEffectStatus.FAILED || o.getStatus() == SideEffectStatus.APPLIED)
                .count() >= failingRequests);
        Map<SideEffectStatus, Long> failingTenant = outcomes.values().stream()
            .filter(o -> o.getCompanyId().equals(fleet.companyId(0)) && o.getEffectId().contains("during"))
            .collect(Collectors.groupingBy(SideEffectOutcome::getStatus, Collectors.counting()));
        long deadLettered = TopicReader.readAll(stack.kafkaClients(), Topics.SIDE_EFFECTS_DLT).stream()
            .filter(r -> r.key().contains("during")).count();

        FaultReport.write("One tenant's Twilio failing for 60 s (" + getClass().getSimpleName() + ")", String.format(
            "- %d SMS/s over 10 tenants; tenant 0's Twilio answers 500 after 1 s for %d s (5 attempts, backoff to 2 s)%n"
                + "- other tenants, request to Twilio: before p50 %d ms, p99 %d ms, max %d ms (%,d SMS); during p50 %d ms,"
                + " p99 %d ms, max %d ms (%,d SMS)%n"
                + "- failing tenant's %d SMS of the outage: %s; dead-lettered: %d%n"
                + "- heap used after a full GC: before the outage %d MB, at its end %d MB",
            RATE, OUTAGE.toSeconds(), before.getValueAtPercentile(50), before.getValueAtPercentile(99), before.getMaxValue(),
            before.getTotalCount(), during.getValueAtPercentile(50), during.getValueAtPercentile(99), during.getMaxValue(),
            during.getTotalCount(), failingRequests, failingTenant, deadLettered, heapBefore >> 20, heapDuring >> 20));

        assertThat(during.getTotalCount()).isGreaterThanOrEqualTo(RATE * OUTAGE.toSeconds() * 9 / 10 - RATE);
        assertThat(during.getValueAtPercentile(99)).as("other tenants' p99 during the outage, ms")
            .isLessThan(Math.max(3 * before.getValueAtPercentile(99), before.getValueAtPercentile(99) + 250));
        assertThat(failingTenant.getOrDefault(SideEffectStatus.FAILED, 0L)).isPositive();
        assertThat(deadLettered).isEqualTo(failingTenant.getOrDefault(SideEffectStatus.FAILED, 0L));
        assertThat(heapDuring - heapBefore).as("heap growth over the outage, bytes").isLessThan(64L << 20);
      }
    }
  }

  private static void runSms(KafkaProducer<String, SideEffect> sms, Fleet fleet, String phase, Duration duration,
      Map<String, Instant> requested) {
    OpenLoopLoad.Result result = OpenLoopLoad.run(RATE, duration, Duration.ofSeconds(10), (i, t) -> {
      int company = (int) (i % fleet.companies());
      String body = "outage sms " + phase + " " + i;
      String effectId = SideEffectKind.SEND_SMS + ":outage-" + phase + "-" + i;
      CompletableFuture<Outcome> sent = new CompletableFuture<>();
      requested.put(body, Instant.now());
      sms.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effectId, SideEffect.newBuilder()
          .setEffectId(effectId).setKind(SideEffectKind.SEND_SMS).setEventId("outage-" + phase + "-" + i)
          .setCompanyId(fleet.companyId(company)).setTo("+15559990002")
          .setFrom(fleet.number(fleet.firstNumberOf(company))).setBody(body).setRequestedAt(Instant.now()).build()),
          (metadata, error) -> sent.complete(error == null ? Outcome.OK : Outcome.NO_ANSWER));
      return sent;
    });
    assertThat(result.count(Outcome.OK)).isEqualTo(result.sent());
  }

  private static long sentBodies(LocalStack stack, String phase) {
    return stack.twilio().received().stream().filter(r -> r.status() == 200 && r.form().containsKey("Body")
        && r.form().get("Body").get(0).contains(" " + phase + " ")).count();
  }

  /** Milliseconds from request to the stand-in's receipt, for the healthy tenants' SMS of a phase. */
  private static Histogram latencies(LocalStack stack, Fleet fleet, Map<String, Instant> requested, String phase) {
    Histogram histogram = new Histogram(3);
    List<TwilioStandIn.Received> healthy = stack.twilio().received().stream()
        .filter(r -> r.status() == 200 && !fleet.accountSid(0).equals(r.authUser()) && r.form().containsKey("Body")
            && r.form().get("Body").get(0).contains(" " + phase + " ")).toList();
    for (TwilioStandIn.Received r : healthy) {
      Instant asked = requested.get(r.form().get("Body").get(0));
      histogram.recordValue(Math.max(0, Duration.between(asked, r.at()).toMillis()));
    }
    return histogram;
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
