package io.switchboard.bench;

import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.OpenLoopLoad.Result;
import io.switchboard.bench.http.TrivialEndpointApplication;
import io.switchboard.bench.jmh.HotPathBenchmarks;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.FreePorts;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.schemas.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One benchmark run: starts the local stack and every Switchboard process, writes the fleet to
 * MongoDB, then at each offered rate measures Switchboard's webhook → TwiML latency and, on the same
 * machine and broker, its two floors (a trivial endpoint on the same HTTP stack, and three bare Kafka
 * hops); looks for the highest rate Switchboard sustains; measures config propagation; and finally
 * checks that every webhook answered 2xx reached the topics.
 */
public final class BenchRun {

  /** p99 under this, with every answer right, counts as sustained. */
  public static final double SUSTAINED_P99_MILLIS = 250;
  private static final Duration TWILIO_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration DRAIN = Duration.ofSeconds(20);
  private static final long SETTLED_MILLIS = 100;

  /**
   * @param rates offered rates, webhooks per second
   * @param searchCeiling the highest rate the search for the maximum tries; 0 for no search
   */
  public record Settings(int companies, int numbers, List<Integer> rates, Duration step, Duration warmup, int warmupRate,
      int searchCeiling, int propagationSamples, boolean baselines, long seed, Path apicurioHome,
      Map<String, Object> overrides) {}

  /** Switchboard and its floors at one offered rate. */
  public record RateStep(int rate, Result switchboard, Result trivialHttp, Result kafkaThreeHops,
      Histogram kafkaOneHopMicros) {}

  public record Results(Settings settings, List<RateStep> steps, List<Result> search, Integer maxSustained,
      ConfigPropagation.Result propagation, LossCheck.Report loss, StageBreakdown stages, Duration setup,
      Duration total, List<String> problems, int webhookEventBytes) {}

  private final Settings settings;
  private final Consumer<String> progress;

  public BenchRun(Settings settings, Consumer<String> progress) {
    this.settings = settings;
    this.progress = progress;
  }

  public static boolean sustained(Result result) {
    return result.clean() && result.p(99) < SUSTAINED_P99_MILLIS;
  }

  public Results run() throws Exception {
    long began = System.nanoTime();
    Fleet fleet = Fleet.generate(settings.companies(), settings.numbers(), settings.seed());
    progress.accept("Starting the local stack (Kafka, Apicurio Registry, MongoDB, Twilio stand-in)");
    try (LocalStack stack = LocalStack.start(settings.apicurioHome())) {
      progress.accept("Writing " + fleet.companies() + " companies with " + fleet.numbers() + " numbers to MongoDB");
      fleet.registerWith(stack.twilio());
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      progress.accept("Starting every Switchboard process");
      try (SwitchboardServices services = SwitchboardServices.start(stack, null, settings.overrides());
          LossCheck lossCheck = new LossCheck(stack.kafkaClients());
          LoadClient http = new LoadClient(OpenLoopLoad.DEFAULT_MAX_IN_FLIGHT, TWILIO_TIMEOUT)) {
        VoiceWebhooks webhooks = new VoiceWebhooks(fleet, services.publicBaseUrl() + "/api/twilio/voice", http,
            settings.seed());
        awaitRouting(fleet, webhooks, progress);
        Duration setup = Duration.ofNanos(System.nanoTime() - began);
        progress.accept(String.format("Ready in %.1f s; warming up at %d/s for %d s", setup.toMillis() / 1000.0,
            settings.warmupRate(), settings.warmup().toSeconds()));
        if (!settings.warmup().isZero()) {
          report(OpenLoopLoad.run(settings.warmupRate(), settings.warmup(), DRAIN, (i, t) -> webhooks.call(i)));
          settle(webhooks, new long[] {900_000_000L});
        }

        int eventBytes = new HotPathBenchmarks().serializeWebhookEvent().length;
        List<RateStep> steps = new ArrayList<>();
        List<Result> search = new ArrayList<>();
        long[] sequence = {1_000_000_000L};
        ConfigurableApplicationContext trivial = settings.baselines()
            ? TrivialEndpointApplication.start(FreePorts.next()) : null;
        try (KafkaHopBaseline kafka = settings.baselines()
            ? new KafkaHopBaseline(stack.kafkaClients(), Topics.WEBHOOKS.policy().partitions(), eventBytes).start()
            : null) {
          String trivialUrl = trivial == null ? null : "http://127.0.0.1:"
              + trivial.getEnvironment().getProperty("local.server.port") + TrivialEndpointApplication.PATH;
          if (kafka != null) {
            // The floors' first records pay for connections, metadata and fetch sessions: not measured.
            OpenLoopLoad.run(100, Duration.ofSeconds(3), DRAIN, kafka::send);
            OpenLoopLoad.run(100, Duration.ofSeconds(3), DRAIN, (i, t) -> webhooks.post(trivialUrl,
                webhooks.nextNumber(), webhooks.callSid(i)).thenApply(r -> Outcome.OK));
          }
          for (int rate : settings.rates()) {
            steps.add(step(rate, webhooks, sequence, trivialUrl, kafka));
          }
          Integer max = settings.searchCeiling() > 0 ? searchMaximum(steps, search, webhooks, sequence) : null;
          progress.accept("Measuring config propagation over " + settings.propagationSamples() + " MongoDB writes");
          ConfigPropagation.Result propagation = new ConfigPropagation(fleet, webhooks, stack.mongoUri(),
              SwitchboardServices.DATABASE, Duration.ofMillis(5), Duration.ofSeconds(30))
              .measure(settings.propagationSamples());
          progress.accept("Checking " + webhooks.answered().size() + " answered webhooks against "
              + Topics.WEBHOOKS.name() + " and " + Topics.CALL_EVENTS.name());
          LossCheck.Report loss = lossCheck.check(webhooks.answered(), Duration.ofSeconds(30));
          StageBreakdown stages = StageBreakdown.read(stack.kafkaClients());
          return new Results(settings, steps, search, max, propagation, loss, stages, setup,
              Duration.ofNanos(System.nanoTime() - began), webhooks.problems(), eventBytes);
        } finally {
          if (trivial != null) {
            trivial.close();
          }
        }
      }
    }
  }

  private RateStep step(int rate, VoiceWebhooks webhooks, long[] sequence, String trivialUrl,
      KafkaHopBaseline kafka) throws InterruptedException {
    // The floors first, on a machine that has settled from the previous step.
    Result trivial = null;
    Result kafkaChain = null;
    Histogram oneHop = null;
    if (trivialUrl != null) {
      progress.accept(String.format("  trivial HTTP endpoint at %d/s", rate));
      trivial = OpenLoopLoad.run(rate, settings.step(), DRAIN, (i, t) -> webhooks.post(trivialUrl, webhooks.nextNumber(),
          webhooks.callSid(i)).thenApply(r -> r.status() == 200 && TrivialEndpointApplication.isAnswer(r.body())
              ? Outcome.OK : Outcome.WRONG_ANSWER).exceptionally(e -> Outcome.NO_ANSWER));
      report(trivial);
    }
    if (kafka != null) {
      progress.accept(String.format("  three bare Kafka hops at %d/s", rate));
      kafka.firstHopLatencies();
      kafkaChain = OpenLoopLoad.run(rate, settings.step(), DRAIN, kafka::send);
      oneHop = kafka.firstHopLatencies();
      report(kafkaChain);
    }
    Result switchboard = runSwitchboard(rate, webhooks, sequence);
    return new RateStep(rate, switchboard, trivial, kafkaChain, oneHop);
  }

  /**
   * Waits until a single webhook is answered right within {@value #SETTLED_MILLIS} ms again, so that
   * an overloaded step's backlog does not weigh on the next measurement (at most a minute).
   */
  private void settle(VoiceWebhooks webhooks, long[] sequence) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      long began = System.nanoTime();
      Outcome outcome = webhooks.call(sequence[0]++).join();
      if (outcome == Outcome.OK && System.nanoTime() - began < SETTLED_MILLIS * 1_000_000L) {
        return;
      }
      Thread.sleep(500);
    }
    progress.accept("    (still not settled after a minute; going on)");
  }

  private Result runSwitchboard(int rate, VoiceWebhooks webhooks, long[] sequence) throws InterruptedException {
    progress.accept(String.format("Switchboard at %d webhooks/s for %d s", rate, settings.step().toSeconds()));
    long first = sequence[0];
    Result result = OpenLoopLoad.run(rate, settings.step(), DRAIN, (i, t) -> webhooks.call(first + i));
    sequence[0] += result.sent();
    report(result);
    settle(webhooks, sequence);
    return result;
  }


  /**
   * The highest rate with p99 under {@value #SUSTAINED_P99_MILLIS} ms and every answer right: up by
   * half again from the best fixed rate until one fails or the ceiling is reached, then two halvings
   * between the last rate that held and the first that did not.
   */
  private Integer searchMaximum(List<RateStep> steps, List<Result> search, VoiceWebhooks webhooks, long[] sequence)
      throws InterruptedException {
    Integer held = null;
    Integer failed = null;
    for (RateStep step : steps) {
      if (sustained(step.switchboard())) {
        held = held == null ? step.rate() : Math.max(held, step.rate());
      } else {
        failed = failed == null ? step.rate() : Math.min(failed, step.rate());
      }
    }
    if (held != null && failed != null && failed < held) {
      failed = null;
    }
    while (failed == null && held != null && held < settings.searchCeiling()) {
      int next = Math.min(settings.searchCeiling(), roundTo50(held * 1.5));
      Result result = runSwitchboard(next, webhooks, sequence);
      search.add(result);
      if (sustained(result)) {
        held = next;
      } else {
        failed = next;
      }
    }
    int low = held == null ? 0 : held;
    for (int i = 0; i < 2 && failed != null && failed - low > 100; i++) {
      int middle = roundTo50((low + failed) / 2.0);
      Result result = runSwitchboard(middle, webhooks, sequence);
      search.add(result);
      if (sustained(result)) {
        low = middle;
        held = middle;
      } else {
        failed = middle;
      }
    }
    return held;
  }

  private static int roundTo50(double rate) {
    return Math.max(50, (int) Math.round(rate / 50) * 50);
  }

  private void report(Result result) {
    Map<Outcome, Long> notOk = new LinkedHashMap<>(result.outcomes());
    notOk.remove(Outcome.OK);
    notOk.values().removeIf(n -> n == 0);
    progress.accept(String.format("    sent %d, right %d%s; p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
        result.sent(), result.count(Outcome.OK), notOk.isEmpty() ? "" : ", " + notOk, result.p(50), result.p(99),
        result.p(99.9), result.maxMillis()));
  }

  /**
   * Waits until the fleet's numbers route: a few numbers spread over the fleet, the last one included,
   * are called until each gets its company's TwiML.
   */
  /** Waits until numbers spread across the fleet answer with their company's TwiML. */
  static void awaitRouting(Fleet fleet, VoiceWebhooks webhooks, Consumer<String> progress)
      throws InterruptedException {
    progress.accept("Waiting for the fleet's numbers to route");
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    List<Integer> probes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      probes.add((int) ((long) i * fleet.numbers() / 20));
    }
    probes.add(fleet.numbers() - 1);
    long attempt = 0;
    for (int number : probes) {
      while (true) {
        Outcome outcome = webhooks.call(number, webhooks.callSid(Long.MAX_VALUE / 2 + attempt++)).join();
        if (outcome == Outcome.OK) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Number " + fleet.number(number) + " still does not route after 5 minutes; "
              + "last problems: " + webhooks.problems());
        }
        Thread.sleep(200);
      }
    }
    webhooks.clearProblems();
  }
}
