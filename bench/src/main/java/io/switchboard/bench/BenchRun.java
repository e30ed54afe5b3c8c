package io.switchboard.bench;

import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.OpenLoopLoad.Result;
import io.switchboard.bench.peers.floor.ComposedFloorApplication;
import io.switchboard.bench.peers.floor.KafkaRelayChain;
import io.switchboard.bench.peers.seed.SeedDesignApplication;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.FreePorts;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.schemas.kafka.Topics;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One benchmark run: starts the local stack, every Switchboard process and the two peers it is
 * measured against (the seed's design and the composed floor), writes the fleet to MongoDB, then
 * measures the three designs with the same generator, fleet and traffic: each offered rate (latency,
 * right answers, CPU and Kafka records per webhook), the maximum sustained rate (searched several
 * times), and a MongoDB stall under steady load. Finally measures config propagation and checks
 * that every webhook Switchboard answered 2xx reached the topics.
 */
public final class BenchRun {

  /** p99 under this, with every answer right, counts as sustained. */
  public static final double SUSTAINED_P99_MILLIS = 250;
  private static final Duration TWILIO_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration DRAIN = Duration.ofSeconds(20);
  private static final long SETTLED_MILLIS = 100;
  /** How long MongoDB answers normally before and after its stall, in the stall step. */
  private static final Duration AROUND_STALL = Duration.ofSeconds(5);
  /** Webhooks/s before and after the fleet grows. */
  private static final int SCALE_RATE = 200;
  /** How long the idle machine's own CPU use is measured. */
  private static final Duration IDLE = Duration.ofSeconds(10);

  /**
   * @param rates offered rates, webhooks per second
   * @param stepWarmup load at the step's own rate before each measured step
   * @param searchCeiling the highest rate the search for the maximum tries; 0 for no search
   * @param repeats how many times the search for the maximum runs
   * @param stall how long MongoDB stops answering in the stall step; zero for no stall step
   * @param peers whether the seed's design and the composed floor are measured beside Switchboard
   * @param scaleNumbers the fleet grown to this many numbers at the end of the run; 0 for no growth
   */
  public record Settings(int companies, int numbers, List<Integer> rates, Duration step, Duration warmup, int warmupRate,
      Duration stepWarmup, int searchCeiling, int repeats, Duration stall, int stallRate, int propagationSamples,
      boolean peers, int scaleNumbers, long seed, Path apicurioHome, Map<String, Object> overrides) {}

  /** The designs measured side by side. */
  public enum Design {
    SWITCHBOARD("Switchboard"),
    SEED("Seed design"),
    FLOOR("Composed floor");

    public final String label;

    Design(String label) {
      this.label = label;
    }
  }

  /**
   * One design at one offered rate, with what it cost: {@code cpu} is the CPU time used beyond the
   * idle machine's, {@code cpuRaw} all of it.
   */
  public record Step(Design design, int rate, Result result, CpuAccounting.Usage cpu, CpuAccounting.Usage cpuRaw,
      BrokerCounters.Counts kafka) {

    public double cpuMillisPerWebhook() {
      return cpu.totalMillisPer(result.sent());
    }

    public double recordsPerWebhook() {
      return (double) kafka.totalRecords() / result.sent();
    }

    public double bytesPerWebhook() {
      return (double) kafka.totalBytes() / result.sent();
    }
  }

  /** The searches for one design's maximum sustained rate: each repeat's maximum (null: none held). */
  public record Search(Design design, List<Integer> maxima, List<Step> steps) {

    /** The median of the repeats' maxima, a repeat without one counting as 0; null when none held. */
    public Integer median() {
      List<Integer> sorted = maxima.stream().map(m -> m == null ? 0 : m).sorted().toList();
      int median = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
      return median == 0 ? null : median;
    }

    public int min() {
      return maxima.stream().mapToInt(m -> m == null ? 0 : m).min().orElse(0);
    }

    public int max() {
      return maxima.stream().mapToInt(m -> m == null ? 0 : m).max().orElse(0);
    }
  }

  /**
   * Steady load while MongoDB stops answering: latencies of the webhooks due before the stall and
   * of those due during it, and how many of the latter were not answered right.
   */
  public record StallStep(Design design, Result result, Histogram beforeMicros, Histogram duringMicros,
      long duringWrong) {}

  /** @param idle what the whole machine used with no webhook sent, after every design warmed up */
  public record Results(Settings settings, List<Step> steps, List<Search> searches, List<StallStep> stalls,
      ConfigPropagation.Result propagation, LossCheck.Report loss, StageBreakdown stages, Duration setup,
      Duration total, List<String> problems, Map<String, Long> unclassifiedCpu, CpuAccounting.Usage idle,
      FleetScale.Report scale) {

    /** The step of a design at a rate of the fixed ladder, or null. */
    public Step step(Design design, int rate) {
      return steps.stream().filter(s -> s.design() == design && s.rate() == rate).findFirst().orElse(null);
    }

    public Search search(Design design) {
      return searches.stream().filter(s -> s.design() == design).findFirst().orElse(null);
    }
  }

  private final Settings settings;
  private final Consumer<String> progress;
  private final BrokerCounters broker = new BrokerCounters();
  private final Map<String, Long> unclassified = new HashMap<>();
  private CpuAccounting cpu;
  private CpuAccounting.Usage idle;

  public BenchRun(Settings settings, Consumer<String> progress) {
    this.settings = settings;
    this.progress = progress;
  }

  public static boolean sustained(Result result) {
    return result.clean() && result.p(99) < SUSTAINED_P99_MILLIS;
  }

  /** A design under load: how it is called, and its own sequence of CallSids. */
  private record Target(Design design, VoiceWebhooks webhooks, long[] sequence) {
    CompletableFuture<Outcome> call(long offset) {
      return webhooks.call(sequence[0] + offset);
    }

    void advance(long sent) {
      sequence[0] += sent;
    }
  }

  public Results run() throws Exception {
    long began = System.nanoTime();
    Fleet fleet = Fleet.generate(settings.companies(), settings.numbers(), settings.seed());
    progress.accept("Starting the local stack (Kafka, Apicurio Registry, MongoDB, Twilio stand-in)");
    try (LocalStack stack = LocalStack.start(settings.apicurioHome());
        TcpProxy mongo = new TcpProxy(URI.create(stack.mongoUri().replace("mongodb://", "http://")).getPort())) {
      progress.accept("Writing " + fleet.companies() + " companies with " + fleet.numbers() + " numbers to MongoDB");
      fleet.registerWith(stack.twilio());
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      String mongoUri = "mongodb://127.0.0.1:" + mongo.port();
      Map<String, Object> overrides = new LinkedHashMap<>(settings.overrides());
      overrides.putIfAbsent("switchboard.mirror.mongo-uri", mongoUri);
      overrides.putIfAbsent("switchboard.admin.mongo-uri", mongoUri);
      progress.accept("Starting every Switchboard process" + (settings.peers() ? " and the two peers" : ""));
      Map<Integer, String> webPorts = new HashMap<>();
      try (SwitchboardServices services = SwitchboardServices.start(stack, null, overrides);
          LossCheck lossCheck = new LossCheck(stack.kafkaClients());
          LoadClient http = new LoadClient(OpenLoopLoad.DEFAULT_MAX_IN_FLIGHT, TWILIO_TIMEOUT);
          Peers peers = settings.peers() ? Peers.start(stack, mongoUri) : null) {
        services.processUrls().forEach((process, url) -> webPorts.put(URI.create(url).getPort(), process));
        List<Target> targets = new ArrayList<>();
        VoiceWebhooks switchboard = new VoiceWebhooks(fleet, services.publicBaseUrl() + "/api/twilio/voice", http,
            settings.seed());
        targets.add(new Target(Design.SWITCHBOARD, switchboard, new long[] {1_000_000_000L}));
        if (peers != null) {
          webPorts.put(peers.seedPort, "seed design");
          webPorts.put(peers.floorPort, "composed floor");
          targets.add(new Target(Design.SEED, new VoiceWebhooks(fleet, peers.seedUrl(), http, settings.seed() + 1),
              new long[] {1}));
          targets.add(new Target(Design.FLOOR, new VoiceWebhooks(fleet, peers.floorUrl(), http, settings.seed() + 2,
              (body, company, callSid) -> body.equals(ComposedFloorApplication.answer(callSid))), new long[] {1}));
        }
        cpu = new CpuAccounting(webPorts, threadOwners());
        awaitRouting(fleet, switchboard, progress);
        Duration setup = Duration.ofNanos(System.nanoTime() - began);
        progress.accept(String.format("Ready in %.1f s", setup.toMillis() / 1000.0));
        for (Target target : targets) {
          if (!settings.warmup().isZero()) {
            progress.accept(String.format("Warming up %s at %d/s for %d s", target.design().label,
                settings.warmupRate(), settings.warmup().toSeconds()));
            report(load(target, settings.warmupRate(), settings.warmup()));
          }
          settle(target);
        }
        progress.accept("Measuring the idle machine for " + IDLE.toSeconds() + " s");
        long threadsStarted = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        CpuAccounting.Snapshot idleFrom = cpu.snapshot();
        Thread.sleep(IDLE.toMillis());
        idle = cpu.between(idleFrom, cpu.snapshot());
        progress.accept(String.format("    %.2f cores used with no webhook sent (%s); %d threads live, %d started "
            + "meanwhile", idle.cores(), idle.nanosByPart().entrySet().stream().limit(4)
                .map(e -> String.format("%s %.2f", e.getKey(), (double) e.getValue() / idle.wallNanos()))
                .collect(java.util.stream.Collectors.joining(", ")),
            ManagementFactory.getThreadMXBean().getThreadCount(),
            ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threadsStarted));

        List<Step> steps = new ArrayList<>();
        for (int rate : settings.rates()) {
          for (Target target : targets) {
            steps.add(step(target, rate));
          }
        }
        List<Search> searches = new ArrayList<>();
        if (settings.searchCeiling() > 0) {
          for (Target target : targets) {
            searches.add(search(target, steps));
          }
        }
        List<StallStep> stalls = new ArrayList<>();
        if (!settings.stall().isZero()) {
          for (Target target : targets) {
            stalls.add(stall(target, mongo));
          }
        }
        progress.accept("Measuring config propagation over " + settings.propagationSamples() + " MongoDB writes");
        ConfigPropagation.Result propagation = new ConfigPropagation(fleet, switchboard, stack.mongoUri(),
            SwitchboardServices.DATABASE, Duration.ofMillis(5), Duration.ofSeconds(30))
            .measure(settings.propagationSamples());
        progress.accept("Checking " + switchboard.answered().size() + " answered webhooks against "
            + Topics.WEBHOOKS.name() + " and " + Topics.CALL_EVENTS.name());
        LossCheck.Report loss = lossCheck.check(switchboard.answered(), Duration.ofSeconds(30));
        FleetScale.Report scale = null;
        List<String> problems = new ArrayList<>();
        if (settings.scaleNumbers() > fleet.numbers()) {
          try {
            scale = FleetScale.measure(fleet, settings.scaleNumbers(), settings.seed(), SCALE_RATE, services,
                stack.workDir().resolve("resolver-state"), stack.mongoUri(), SwitchboardServices.DATABASE, http,
                progress);
          } catch (IllegalStateException e) {
            // The rest of the run stands; the report says why the growth has no figures.
            problems.add("Fleet scale not completed: " + e.getMessage());
            progress.accept("    " + problems.get(problems.size() - 1));
          }
        }
        StageBreakdown stages = StageBreakdown.read(stack.kafkaClients());
        targets.forEach(t -> t.webhooks().problems().forEach(p -> problems.add(t.design().label + ": " + p)));
        return new Results(settings, steps, searches, stalls, propagation, loss, stages, setup,
            Duration.ofNanos(System.nanoTime() - began), problems, Map.copyOf(unclassified), idle, scale);
      }
    }
  }

  /** Which process a thread belongs to, by a part of its name (client, group and application ids). */
  private static Map<String, String> threadOwners() {
    Map<String, String> owners = new LinkedHashMap<>();
    owners.put("bench-floor", "composed floor");
    owners.put("resolver", "tenant-resolver-stream");
    owners.put("call-handler", "call-handler");
    owners.put("side-effect", "call-handler");
    owners.put("deferral", "call-handler");
    owners.put("ingress", "ingress-gateway");
    owners.put("repl", "ingress-gateway");
    owners.put("mirror", "config-mirror");
    owners.put("health", "health-monitor");
    owners.put("admin", "company-admin");
    owners.put("console", "company-admin");
    owners.put("httpclient", CpuAccounting.LOAD);
    owners.put("main", CpuAccounting.LOAD);
    owners.put("mongo", "MongoDB stand-in and drivers");
    owners.put("cluster-", "MongoDB stand-in and drivers");
    owners.put("tcp-proxy", "MongoDB stand-in and drivers");
    owners.put("twilio", "Twilio stand-in");
    return owners;
  }

  /** The peers, each on its own port in this JVM. */
  private static final class Peers implements AutoCloseable {
    final int seedPort = FreePorts.next();
    final int floorPort = FreePorts.next();
    ConfigurableApplicationContext seed;
    KafkaRelayChain chain;
    ConfigurableApplicationContext floor;

    static Peers start(LocalStack stack, String mongoUri) throws InterruptedException {
      Peers peers = new Peers();
      try {
        peers.seed = SeedDesignApplication.start(peers.seedPort, mongoUri, SwitchboardServices.DATABASE);
        peers.chain = new KafkaRelayChain(stack.kafkaClients(), Topics.WEBHOOKS.policy().partitions()).start();
        peers.floor = ComposedFloorApplication.start(peers.floorPort, peers.chain);
        return peers;
      } catch (RuntimeException | InterruptedException e) {
        peers.close();
        throw e;
      }
    }

    String seedUrl() {
      return "http://127.0.0.1:" + seedPort + SeedDesignApplication.PATH;
    }

    String floorUrl() {
      return "http://127.0.0.1:" + floorPort + ComposedFloorApplication.PATH;
    }

    @Override
    public void close() {
      if (floor != null) {
        floor.close();
      }
      if (chain != null) {
        chain.close();
      }
      if (seed != null) {
        seed.close();
      }
    }
  }

  private Result load(Target target, int rate, Duration duration) {
    Result result = OpenLoopLoad.run(rate, duration, DRAIN, (i, t) -> target.call(i));
    target.advance(result.sent());
    return result;
  }

  /** Its own warm-up at the rate, a settled machine, then the measured load with its CPU and Kafka cost. */
  private Step step(Target target, int rate) throws InterruptedException {
    if (!settings.stepWarmup().isZero()) {
      load(target, rate, settings.stepWarmup());
      settle(target);
    }
    progress.accept(String.format("%s at %d webhooks/s for %d s", target.design().label, rate,
        settings.step().toSeconds()));
    CpuAccounting.Snapshot cpuBefore = cpu.snapshot();
    BrokerCounters.Counts kafkaBefore = broker.read();
    Result result = load(target, rate, settings.step());
    CpuAccounting.Usage raw = cpu.between(cpuBefore, cpu.snapshot());
    CpuAccounting.Usage usage = raw.beyond(idle);
    BrokerCounters.Counts kafka = broker.read().minus(kafkaBefore);
    raw.unclassifiedByName().forEach((name, nanos) -> unclassified.merge(name, nanos, Long::sum));
    report(result);
    progress.accept(String.format("    CPU %.2f ms per webhook beyond idle (%.2f cores in all), %.1f Kafka records "
        + "and %.0f bytes per webhook", usage.totalMillisPer(result.sent()), raw.cores(),
        (double) kafka.totalRecords() / result.sent(), (double) kafka.totalBytes() / result.sent()));
    settle(target);
    return new Step(target.design(), rate, result, usage, raw, kafka);
  }

  /**
   * Waits until a single webhook is answered right within {@value #SETTLED_MILLIS} ms again, so that
   * an overloaded step's backlog does not weigh on the next measurement (at most a minute).
   */
  private void settle(Target target) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      long began = System.nanoTime();
      Outcome outcome = target.call(0).join();
      target.advance(1);
      if (outcome == Outcome.OK && System.nanoTime() - began < SETTLED_MILLIS * 1_000_000L) {
        return;
      }
      Thread.sleep(500);
    }
    progress.accept("    (still not settled after a minute; going on)");
  }

  /**
   * The highest rate with p99 under {@value #SUSTAINED_P99_MILLIS} ms and every answer right, found
   * {@code repeats} times: from the fixed rates' bracket, up by half again while a rate holds (to the
   * ceiling), then two halvings between the last rate that held and the first that did not. Each
   * rate tried gets its own warm-up.
   */
  private Search search(Target target, List<Step> fixed) throws InterruptedException {
    Integer bracketHeld = null;
    Integer bracketFailed = null;
    for (Step step : fixed) {
      if (step.design() != target.design()) {
        continue;
      }
      if (sustained(step.result())) {
        bracketHeld = bracketHeld == null ? step.rate() : Math.max(bracketHeld, step.rate());
      } else {
        bracketFailed = bracketFailed == null ? step.rate() : Math.min(bracketFailed, step.rate());
      }
    }
    if (bracketHeld != null && bracketFailed != null && bracketFailed < bracketHeld) {
      bracketFailed = null;
    }
    List<Integer> maxima = new ArrayList<>();
    List<Step> tried = new ArrayList<>();
    for (int repeat = 1; repeat <= settings.repeats(); repeat++) {
      progress.accept(String.format("Maximum sustained rate of %s, search %d of %d", target.design().label, repeat,
          settings.repeats()));
      Integer held = bracketHeld;
      Integer failed = bracketFailed;
      while (failed == null && held != null && held < settings.searchCeiling()) {
        int next = Math.min(settings.searchCeiling(), roundTo50(held * 1.5));
        Step step = step(target, next);
        tried.add(step);
        if (sustained(step.result())) {
          held = next;
        } else {
          failed = next;
        }
      }
      int low = held == null ? 0 : held;
      for (int i = 0; i < 2 && failed != null && failed - low > 100; i++) {
        int middle = roundTo50((low + failed) / 2.0);
        Step step = step(target, middle);
        tried.add(step);
        if (sustained(step.result())) {
          low = middle;
          held = middle;
        } else {
          failed = middle;
        }
      }
      maxima.add(held);
    }
    return new Search(target.design(), maxima, tried);
  }

  private static int roundTo50(double rate) {
    return Math.max(50, (int) Math.round(rate / 50) * 50);
  }

  /**
   * Steady load at the stall rate; MongoDB (behind a proxy that stops passing bytes on) stops
   * answering for the stall's length after {@link #AROUND_STALL}, then answers again.
   */
  private StallStep stall(Target target, TcpProxy mongo) throws InterruptedException {
    settle(target);
    progress.accept(String.format("%s at %d/s while MongoDB stops answering for %d s", target.design().label,
        settings.stallRate(), settings.stall().toSeconds()));
    Recorder before = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    Recorder during = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong duringWrong = new AtomicLong();
    long stallFrom = AROUND_STALL.toNanos();
    long stallTo = stallFrom + settings.stall().toNanos();
    long[] firstDue = {Long.MIN_VALUE};
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      Result result = OpenLoopLoad.run(settings.stallRate(), settings.stall().plus(AROUND_STALL).plus(AROUND_STALL),
          DRAIN, (i, due) -> {
            if (i == 0) {
              firstDue[0] = due;
              timer.schedule(mongo::stall, Math.max(0, due + stallFrom - System.nanoTime()), TimeUnit.NANOSECONDS);
              timer.schedule(mongo::resume, Math.max(0, due + stallTo - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            long at = due - firstDue[0];
            return target.call(i).whenComplete((outcome, error) -> {
              long micros = Math.min((System.nanoTime() - due) / 1_000, TimeUnit.SECONDS.toMicros(60));
              if (at < stallFrom) {
                before.recordValue(micros);
              } else if (at < stallTo) {
                during.recordValue(micros);
                if (outcome != Outcome.OK) {
                  duringWrong.incrementAndGet();
                }
              }
            });
          });
      target.advance(result.sent());
      report(result);
      settle(target);
      return new StallStep(target.design(), result, before.getIntervalHistogram(), during.getIntervalHistogram(),
          duringWrong.get());
    } finally {
      mongo.resume();
      timer.shutdownNow();
    }
  }

  private void report(Result result) {
    Map<Outcome, Long> notOk = new LinkedHashMap<>(result.outcomes());
    notOk.remove(Outcome.OK);
    notOk.values().removeIf(n -> n == 0);
    progress.accept(String.format("    sent %d, right %d%s; p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
        result.sent(), result.count(Outcome.OK), notOk.isEmpty() ? "" : ", " + notOk, result.p(50), result.p(99),
        result.p(99.9), result.maxMillis()));
  }

  /** Waits until numbers spread across the fleet answer with their company's TwiML. */
  static void awaitRouting(Fleet fleet, VoiceWebhooks webhooks, Consumer<String> progress)
      throws InterruptedException {
    awaitRouting(fleet, webhooks, progress, Duration.ofMinutes(5));
  }

  /** The same, for at most {@code limit}. */
  static void awaitRouting(Fleet fleet, VoiceWebhooks webhooks, Consumer<String> progress, Duration limit)
      throws InterruptedException {
    progress.accept("Waiting for the fleet's numbers to route");
    long deadline = System.nanoTime() + limit.toNanos();
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
          throw new IllegalStateException("Number " + fleet.number(number) + " still does not route after "
              + limit.toMinutes() + " minutes; last problems: " + webhooks.problems());
        }
        Thread.sleep(200);
      }
    }
    webhooks.clearProblems();
  }
}
