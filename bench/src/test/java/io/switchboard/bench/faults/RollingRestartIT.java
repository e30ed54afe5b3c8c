package io.switchboard.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.bench.Fleet;
import io.switchboard.bench.LoadClient;
import io.switchboard.bench.LossCheck;
import io.switchboard.bench.OpenLoopLoad;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.VoiceWebhooks;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallDeferred;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.events.SideEffectStatus;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of every process of a two-instance cluster on three brokers, one instance at a
 * time, each stopped gracefully and started again as an orchestrator would, under steady load of
 * signed calls spread over both ingress instances (an ingress instance being restarted gets no new
 * calls, as behind a load balancer that follows readiness). No acknowledged webhook is lost, no
 * call is updated twice.
 */
class RollingRestartIT {

  private static final int RATE = 30;
  private static final List<String> ORDER = List.of("config-mirror", "tenant-resolver-stream", "call-handler",
      "health-monitor", "company-admin", "ingress-gateway");

  @Test
  void shouldLoseNothingAndRepeatNothingThroughARollingRestartOfEveryProcess() throws Exception {
    Fleet fleet = Fleet.generate(30, 90, 31);
    try (LocalStack stack = LocalStack.startClustered(FaultRegistry.url(), 3)) {
      fleet.registerWith(stack.twilio());
      for (int company = 0; company < fleet.companies(); company++) {
        stack.twilio().register(fleet.accountSid(company), fleet.authToken(company), TwilioStandIn.Behaviour.OK,
            Duration.ofMillis(20));
      }
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      // A short reply budget: a share of the calls is held and updated later, so side effects flow throughout.
      try (SwitchboardServices services = SwitchboardServices.startCluster(stack, null,
              Map.of("switchboard.ingress.reply-budget", "150ms"), 2);
          LoadClient http = new LoadClient(OpenLoopLoad.DEFAULT_MAX_IN_FLIGHT, Duration.ofSeconds(15));
          LossCheck lossCheck = new LossCheck(stack.kafkaClients())) {
        VoiceWebhooks webhooks = new VoiceWebhooks(fleet, services.publicBaseUrl() + "/api/twilio/voice", http, 31);
        List<String> ingresses = services.urls("ingress-gateway");
        for (String ingress : ingresses) {
          await("ingress ready").atMost(Duration.ofSeconds(120)).until(() -> ready(ingress));
        }
        webhooks.spreadOver(ingresses.stream().map(url -> url + "/api/twilio/voice").toList());
        FaultLoad.awaitRouting(fleet, webhooks);
        webhooks.answered().clear();
        webhooks.clearProblems();

        // Long enough for every restart; the load stops on its own.
        Duration load = Duration.ofSeconds(90);
        CompletableFuture<OpenLoopLoad.Result> running = CompletableFuture.supplyAsync(() ->
            OpenLoopLoad.run(RATE, load, Duration.ofSeconds(30), (i, t) -> webhooks.call(i)));
        List<String> restarted = new ArrayList<>();
        long began = System.nanoTime();
        for (String process : ORDER) {
          for (int index = 0; index < services.instances(process); index++) {
            String url = services.urls(process).get(index);
            if (process.equals("ingress-gateway")) {
              List<String> others = new ArrayList<>(ingresses);
              others.remove(url);
              webhooks.spreadOver(others.stream().map(u -> u + "/api/twilio/voice").toList());
            }
            services.restart(process, index);
            await(process + " " + index + " ready again").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200)).until(() -> ready(url));
            if (process.equals("ingress-gateway")) {
              webhooks.spreadOver(ingresses.stream().map(u -> u + "/api/twilio/voice").toList());
            }
            restarted.add(process + "#" + index);
          }
        }
        long restartSeconds = (System.nanoTime() - began) / 1_000_000_000L;
        OpenLoopLoad.Result result = running.join();

        LossCheck.Report loss = lossCheck.check(webhooks.answered(), Duration.ofSeconds(60));
        Set<String> heldCalls = TopicReader.readAll(stack.kafkaClients(), Topics.DEFERRALS).stream()
            .map(ConsumerRecord::value).filter(d -> d.getKind() == WebhookKind.VOICE && d.getCompanyId() != null)
            .map(CallDeferred::getCallSid).collect(Collectors.toSet());
        Map<String, SideEffectOutcome> outcomes = await("every held call settled").atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> TopicReader.table(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES), table ->
                table.values().stream().filter(o -> o.getKind() == SideEffectKind.CALL_UPDATE).count() >= heldCalls.size()
                    && table.values().stream().noneMatch(o -> o.getStatus() == SideEffectStatus.STARTED
                        || o.getStatus() == SideEffectStatus.RETRYING));
        long unknown = outcomes.values().stream().filter(o -> o.getStatus() == SideEffectStatus.UNKNOWN).count();
        Map<String, Long> updates = FaultLoad.updatesPerCall(stack.twilio());
        long duplicateUpdates = updates.values().stream().filter(n -> n > 1).count();

        FaultReport.write("Rolling restart of every process (" + getClass().getSimpleName() + ")", String.format(
            "- two instances of every process on three brokers; %d restarts one at a time (%s) in %d s, each a"
                + " graceful stop and start, the next once the last was ready again%n"
                + "- %,d calls at %d/s spread over both ingress instances (the one restarting left out): %,d right"
                + " inline, %,d held, %,d non-2xx, %,d unanswered%n"
                + "- acknowledged (2xx): %,d; on twilio.webhooks: %,d; **lost: %d**%n"
                + "- held calls: %,d; updated: %,d; UNKNOWN: %d; **duplicate call updates: %d**%n"
                + "- latency through the restarts: p50 %.0f ms, p99 %.0f ms, max %.0f ms",
            restarted.size(), String.join(", ", restarted), restartSeconds, result.sent(), RATE,
            result.count(Outcome.OK), result.count(Outcome.DEFERRED), result.count(Outcome.HTTP_ERROR),
            result.count(Outcome.NO_ANSWER), loss.answered(), loss.onWebhooks(),
            loss.missingWebhook() + loss.missingCallEvents(), heldCalls.size(), updates.size(), unknown,
            duplicateUpdates, result.p(50), result.p(99), result.maxMillis()));

        assertThat(restarted).hasSize(12);
        assertThat(loss.lossless()).as("acknowledged but missing: %s", loss.sampleMissing()).isTrue();
        assertThat(duplicateUpdates).isZero();
        assertThat(unknown).isZero();
        assertThat(result.count(Outcome.WRONG_ANSWER)).as("problems: %s", webhooks.problems()).isZero();
        // Every webhook is answered. A 503 means Kafka did not acknowledge it within the ack timeout (on this
        // one machine, the brokers share two cores with every process and the load): it was not
        // acknowledged, and Twilio sends it again; anything else is a failure.
        assertThat(result.count(Outcome.NO_ANSWER)).as("problems: %s", webhooks.problems()).isZero();
        assertThat(webhooks.problems()).allSatisfy(problem -> assertThat(problem).startsWith("HTTP 503"));
        assertThat(result.count(Outcome.OK) + result.count(Outcome.DEFERRED)).isEqualTo(loss.answered());
      }
    }
  }

  private static boolean ready(String processUrl) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(processUrl + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}
