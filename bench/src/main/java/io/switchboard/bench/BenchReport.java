package io.switchboard.bench;

import io.switchboard.bench.BenchRun.Results;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.OpenLoopLoad.Result;
import io.switchboard.schemas.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Locale;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** The results of a run as Markdown tables, and their place in {@code docs/benchmarks.md}. */
public final class BenchReport {

  /** Everything after this line in the document is replaced by the latest run's results. */
  public static final String RESULTS_MARKER = "<!-- Everything below is written by ./switchboard bench. -->";

  private BenchReport() {}

  public static String markdown(Results results, List<Microbenchmarks.Score> micro, String command,
      ZonedDateTime when) {
    StringBuilder md = new StringBuilder();
    BenchRun.Settings s = results.settings();
    md.append("## Latest run: ").append(when.withZoneSameInstant(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append("\n\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Machine: ").append(Machine.describe()).append("\n");
    md.append(String.format(Locale.ROOT, "- Fleet: %,d companies, %,d numbers. Each design first warmed up for %d s "
        + "at %d/s; each step then runs %d s at a constant offered rate after its own %d s warm-up at that rate and "
        + "a settled machine (one webhook answered right within 100 ms). Set-up (stack, fleet, processes, routing) "
        + "took %.0f s, the whole run %.0f s.%n",
        s.companies(), s.numbers(), s.warmup().toSeconds(), s.warmupRate(), s.step().toSeconds(),
        s.stepWarmup().toSeconds(), results.setup().toMillis() / 1000.0, results.total().toMillis() / 1000.0));
    md.append("- Every process, the broker, the registry, MongoDB, the Twilio stand-in, both peers and the load "
        + "generator share this machine's cores.\n\n");

    md.append("### Three designs, same machine, same fleet, same traffic\n\n");
    md.append(String.format(Locale.ROOT, "Open loop at a constant rate; latency from each webhook's intended send time to its answer. "
        + "\"Right\": Switchboard and the seed design must answer the called company's own TwiML for its routing "
        + "mode (a holding answer is not right), the composed floor its fixed answer naming the call. \"Cores\" is "
        + "the CPU time of everything on the machine during the step (every process, the broker, the stand-ins, "
        + "the generator, GC and JIT, and the registry's own JVM) over its length; \"CPU ms / webhook\" is that "
        + "CPU time beyond what the idle machine uses (%.2f cores with no webhook sent: every process's consumers "
        + "polling, the broker serving them, the JIT), over the webhooks sent. Kafka records and bytes are what "
        + "the broker appended to all topics, over the webhooks sent.%n%n", results.idle().cores()));
    md.append("| Offered /s | Design | Sent | Right | Errors | p50 ms | p99 ms | p99.9 ms | max ms | Sustained "
        + "| Cores | CPU ms / webhook | Kafka records / webhook | Kafka bytes / webhook |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|---:|\n");
    for (BenchRun.Step step : results.steps()) {
      md.append(designRow(step));
    }
    md.append("\n");

    if (!results.searches().isEmpty()) {
      md.append("### Maximum sustained rate\n\n");
      md.append(String.format(Locale.ROOT, "p99 under %.0f ms and every answer right. Each search starts from the "
          + "fixed rates above, goes up by half again while a rate holds, then halves twice between the last rate "
          + "that held and the first that did not; every rate it tries gets its own warm-up. The figure is the "
          + "median of %d searches.%n%n", BenchRun.SUSTAINED_P99_MILLIS, s.repeats()));
      md.append("| Design | Median /s | Min /s | Max /s | Each search /s | Rates tried (sustained?) |\n");
      md.append("|---|---:|---:|---:|---|---|\n");
      for (BenchRun.Search search : results.searches()) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %s | %s |%n", search.design().label,
            search.median() == null ? "none" : String.format(Locale.ROOT, "%,d", search.median()), search.min(),
            search.max(), search.maxima().stream().map(m -> m == null ? "none" : String.format(Locale.ROOT, "%,d", m))
                .collect(Collectors.joining(", ")),
            search.steps().stream().map(st -> String.format(Locale.ROOT, "%,d (%s, p99 %.0f ms)", st.rate(),
                BenchRun.sustained(st.result()) ? "yes" : "no", st.result().p(99)))
                .collect(Collectors.joining(", "))));
      }
      md.append("\n");
      md.append(targets(results));
    }

    md.append(cpuByProcess(results));
    md.append(recordsByTopic(results));

    if (!results.stalls().isEmpty()) {
      md.append("### MongoDB stops answering\n\n");
      md.append(String.format(Locale.ROOT, "Steady load at %d/s for %d s; after 5 s MongoDB stops answering for "
          + "%d s (a proxy in front of it stops passing bytes on, connections stay open), then answers again. "
          + "Switchboard's mirror and company API and the seed design reach MongoDB through that proxy.%n%n",
          s.stallRate(), s.stall().toSeconds() + 10, s.stall().toSeconds()));
      md.append("| Design | Sent | Right | Not right, due during the stall | p99 before ms | p50 during ms "
          + "| p99 during ms | max during ms |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (BenchRun.StallStep stall : results.stalls()) {
        Histogram during = stall.duringMicros();
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %.1f | %.1f | %.1f | %.1f |%n",
            stall.design().label, stall.result().sent(), stall.result().count(Outcome.OK), stall.duringWrong(),
            stall.beforeMicros().getValueAtPercentile(99) / 1000.0, during.getValueAtPercentile(50) / 1000.0,
            during.getValueAtPercentile(99) / 1000.0, during.getMaxValue() / 1000.0));
      }
      md.append("\n");
    }

    if (results.scale() != null) {
      md.append(scaleSection(results));
    }

    md.append("### Switchboard's stages\n\n");
    md.append("From the events' own timestamps: ingress receipt → resolver, and resolver → call-handler's TwiML; "
        + "the remainder of a webhook's latency is the reply's hop back to the ingress and HTTP.\n\n");
    md.append("| Offered /s | → resolver p50 / p99 ms | → TwiML p50 / p99 ms |\n|---:|---:|---:|\n");
    for (BenchRun.Step step : results.steps()) {
      if (step.design() == BenchRun.Design.SWITCHBOARD) {
        StageBreakdown.Stages stages = results.stages().between(step.result().startedAtMillis(),
            step.result().endedAtMillis());
        md.append(String.format(Locale.ROOT, "| %,d | %d / %d | %d / %d |%n", step.rate(),
            stages.toResolver().getValueAtPercentile(50), stages.toResolver().getValueAtPercentile(99),
            stages.toTwiml().getValueAtPercentile(50), stages.toTwiml().getValueAtPercentile(99)));
      }
    }
    md.append("\n");

    LossCheck.Report loss = results.loss();
    md.append("### No loss\n\n");
    md.append("Every webhook answered 2xx in this run (load steps, warm-up, probes), looked up afterwards by CallSid "
        + "on `" + Topics.WEBHOOKS.name() + "` and `" + Topics.CALL_EVENTS.name() + "` (CALL_ROUTED or "
        + "CALL_UNROUTABLE, and CALL_ANSWERED_INLINE or CALL_DEFERRED) by a plain consumer.\n\n");
    md.append("| Answered 2xx | On " + Topics.WEBHOOKS.name() + " | Duplicates there | With their call events "
        + "| Missing webhook | Missing call events |\n");
    md.append("|---:|---:|---:|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %,d | %,d | %,d |%n%n", loss.answered(),
        loss.onWebhooks(), loss.duplicatesOnWebhooks(), loss.withCallEvents(), loss.missingWebhook(),
        loss.missingCallEvents()));
    if (!loss.sampleMissing().isEmpty()) {
      md.append("Missing, for example: ").append(loss.sampleMissing()).append("\n\n");
    }

    ConfigPropagation.Result propagation = results.propagation();
    Histogram p = propagation.micros();
    md.append("### Config propagation\n\n");
    md.append("A company's routing mode changed in MongoDB, then its number called every 5 ms until an answer "
        + "carries the new mode's TwiML; the time includes that last webhook's own round trip.\n\n");
    md.append("| Writes | p50 ms | p99 ms | max ms | Not applied within 30 s |\n|---:|---:|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %d |%n%n", p.getTotalCount(),
        p.getValueAtPercentile(50) / 1000.0, p.getValueAtPercentile(99) / 1000.0, p.getMaxValue() / 1000.0,
        propagation.timedOut()));

    if (!micro.isEmpty()) {
      md.append("### Hot functions (JMH, average time per call)\n\n| Benchmark | ns/op | ± (99.9%) |\n|---|---:|---:|\n");
      for (Microbenchmarks.Score score : micro) {
        md.append(String.format(Locale.ROOT, "| `%s` | %,.0f | %,.0f |%n", score.name(), score.nanos(), score.error()));
      }
      md.append("\n");
    }
    if (!results.problems().isEmpty()) {
      md.append("### Wrong or missing answers seen (first few)\n\n");
      results.problems().forEach(problem -> md.append("- ").append(problem.replace("|", "\\|")).append("\n"));
      md.append("\n");
    }
    return md.toString();
  }

  private static String designRow(BenchRun.Step step) {
    Result r = step.result();
    long errors = r.sent() - r.count(Outcome.OK);
    return String.format(Locale.ROOT, "| %,d | %s | %,d | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %s | %.2f | %.2f "
            + "| %.1f | %,.0f |%n",
        step.rate(), step.design().label, r.sent(), r.count(Outcome.OK), errors, r.p(50), r.p(99), r.p(99.9),
        r.maxMillis(), BenchRun.sustained(r) ? "yes" : "no", step.cpuRaw().cores(), step.cpuMillisPerWebhook(),
        step.recordsPerWebhook(), step.bytesPerWebhook());
  }

  /** Each target of the comparison, met or not, with the figures it is judged by. */
  private static String targets(Results results) {
    BenchRun.Search sb = results.search(BenchRun.Design.SWITCHBOARD);
    BenchRun.Search seed = results.search(BenchRun.Design.SEED);
    BenchRun.Search floor = results.search(BenchRun.Design.FLOOR);
    if (sb == null || seed == null || floor == null) {
      return "";
    }
    StringBuilder md = new StringBuilder("| Target | Measured | Met |\n|---|---|:---:|\n");
    int sbMax = sb.median() == null ? 0 : sb.median();
    int floorMax = floor.median() == null ? 0 : floor.median();
    int seedMax = seed.median() == null ? 0 : seed.median();
    md.append(String.format(Locale.ROOT, "| Switchboard's maximum ≥ 80%% of the composed floor's | %,d / %,d = %.0f%% "
        + "| %s |%n", sbMax, floorMax, floorMax == 0 ? 0 : 100.0 * sbMax / floorMax,
        floorMax > 0 && sbMax >= 0.8 * floorMax ? "yes" : "no"));
    md.append(String.format(Locale.ROOT, "| Switchboard's maximum ≥ the seed design's | %,d vs %,d | %s |%n", sbMax,
        seedMax, sbMax >= seedMax ? "yes" : "no"));
    md.append(String.format(Locale.ROOT, "| Switchboard's maximum ≥ 1,000/s | %,d | %s |%n", sbMax,
        sbMax >= 1000 ? "yes" : "no"));
    BenchRun.Step sb500 = results.step(BenchRun.Design.SWITCHBOARD, 500);
    BenchRun.Step floor500 = results.step(BenchRun.Design.FLOOR, 500);
    if (sb500 != null && floor500 != null) {
      double ratio = sb500.result().p(99) / floor500.result().p(99);
      md.append(String.format(Locale.ROOT, "| Switchboard's p99 at 500/s ≤ 1.5× the composed floor's | %.1f ms vs "
          + "%.1f ms = %.1f× | %s |%n", sb500.result().p(99), floor500.result().p(99), ratio,
          ratio <= 1.5 ? "yes" : "no"));
    }
    return md.append("\n").toString();
  }

  /** CPU per webhook by part, per design, at the highest fixed rate every design sustained. */
  private static String cpuByProcess(Results results) {
    Integer rate = results.settings().rates().stream()
        .filter(r -> Arrays.stream(BenchRun.Design.values()).allMatch(d -> {
          BenchRun.Step step = results.step(d, r);
          return step == null || BenchRun.sustained(step.result());
        }))
        .max(Integer::compare).orElse(results.settings().rates().get(0));
    List<BenchRun.Step> steps = Arrays.stream(BenchRun.Design.values()).map(d -> results.step(d, rate))
        .filter(Objects::nonNull).toList();
    Set<String> parts = new LinkedHashSet<>();
    steps.forEach(st -> parts.addAll(st.cpu().nanosByPart().keySet()));
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "### Where the CPU goes, at %,d/s%n%n", rate));
    md.append("CPU milliseconds per webhook by part beyond the part's idle use, from each thread's CPU time "
        + "over the step (the highest fixed rate every design sustained). Threads are assigned to parts by name; "
        + "\"JVM\" is the process's CPU time that no live thread accounts for (GC, JIT compilers, threads that "
        + "ended during the step).\n\n");
    CpuAccounting.Usage idle = results.idle();
    parts.addAll(idle.nanosByPart().keySet());
    md.append("| Part | Idle (cores) |").append(steps.stream().map(st -> " " + st.design().label + " |")
            .collect(Collectors.joining()))
        .append("\n|---|---:|").append("---:|".repeat(steps.size())).append("\n");
    for (String part : parts) {
      md.append("| ").append(part).append(String.format(Locale.ROOT, " | %.3f |",
          (double) idle.nanosByPart().getOrDefault(part, 0L) / idle.wallNanos()));
      for (BenchRun.Step st : steps) {
        md.append(String.format(Locale.ROOT, " %.3f |", st.cpu().millisPer(part, st.result().sent())));
      }
      md.append("\n");
    }
    md.append(String.format(Locale.ROOT, "| **All** | **%.3f** |", idle.cores()));
    steps.forEach(st -> md.append(String.format(Locale.ROOT, " **%.3f** |", st.cpuMillisPerWebhook())));
    md.append("\n\n");
    if (!results.unclassifiedCpu().isEmpty()) {
      md.append("Threads counted as \"other\", most CPU first: ").append(results.unclassifiedCpu().entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
          .map(e -> "`" + e.getKey() + "`").collect(Collectors.joining(", "))).append(".\n\n");
    }
    return md.toString();
  }

  /** Kafka records and bytes per webhook by topic, per design, at 500/s or the first fixed rate. */
  private static String recordsByTopic(Results results) {
    int rate = results.settings().rates().contains(500) ? 500 : results.settings().rates().get(0);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "### Kafka records per webhook, at %,d/s%n%n",
        rate));
    md.append("What the broker appended to each topic during the step, over the webhooks sent (topics with at "
        + "least 0.01 records per webhook).\n\n| Design | Topic | Records / webhook | Bytes / webhook |\n"
        + "|---|---|---:|---:|\n");
    for (BenchRun.Design design : BenchRun.Design.values()) {
      BenchRun.Step step = results.step(design, rate);
      if (step == null) {
        continue;
      }
      long sent = step.result().sent();
      step.kafka().records().forEach((topic, n) -> {
        if ((double) n / sent >= 0.01) {
          md.append(String.format(Locale.ROOT, "| %s | `%s` | %.2f | %,.0f |%n", design.label, topic, (double) n / sent,
              (double) step.kafka().bytes().getOrDefault(topic, 0L) / sent));
        }
      });
    }
    return md.append("\n").toString();
  }

  private static String scaleSection(Results results) {
    FleetScale.Report scale = results.scale();
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "### %,d numbers%n%n", scale.largeNumbers()));
    md.append(String.format(Locale.ROOT, "At the end of the run the fleet grows from %,d to %,d numbers (the same "
        + "companies with more numbers each, written to MongoDB while everything runs); Switchboard is measured "
        + "at %d/s before and after (10 s each, after 5 s of warm-up); then the resolver is restarted with its "
        + "state directory wiped, as on a new machine, and restores its stores from their changelogs.%n%n",
        scale.smallNumbers(), scale.largeNumbers(), scale.rate()));
    StageBreakdown.Stages small = results.stages().between(scale.small().startedAtMillis(),
        scale.small().endedAtMillis());
    StageBreakdown.Stages large = results.stages().between(scale.large().startedAtMillis(),
        scale.large().endedAtMillis());
    md.append(String.format(Locale.ROOT, "| | %,d numbers | %,d numbers |%n|---|---:|---:|%n", scale.smallNumbers(),
        scale.largeNumbers()));
    md.append(String.format(Locale.ROOT, "| Right / sent | %,d / %,d | %,d / %,d |%n", scale.small().count(Outcome.OK),
        scale.small().sent(), scale.large().count(Outcome.OK), scale.large().sent()));
    md.append(String.format(Locale.ROOT, "| p50 / p99 / p99.9 ms | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f |%n",
        scale.small().p(50), scale.small().p(99), scale.small().p(99.9), scale.large().p(50), scale.large().p(99),
        scale.large().p(99.9)));
    md.append(String.format(Locale.ROOT, "| Ingress → resolver p50 / p99 ms (route lookup included) | %d / %d "
        + "| %d / %d |%n", small.toResolver().getValueAtPercentile(50), small.toResolver().getValueAtPercentile(99),
        large.toResolver().getValueAtPercentile(50), large.toResolver().getValueAtPercentile(99)));
    md.append(String.format(Locale.ROOT, "| Heap after a full GC, whole JVM | %,.0f MB | %,.0f MB |%n%n",
        scale.heapSmall() / 1e6, scale.heapLarge() / 1e6));
    md.append(String.format(Locale.ROOT, "- Routing the grown fleet (every probe across it answered right): %.1f s "
        + "after the MongoDB writes.%n", scale.routing().toMillis() / 1e3));
    md.append(String.format(Locale.ROOT, "- Memory per number: %,.0f bytes of heap per added number (every process "
        + "in this JVM: the ingress's number → company view, the resolver's caches, Kafka clients' buffers); the "
        + "resolver's state directory holds %,.0f bytes per number (%,.0f MB, RocksDB on disk, off the heap).%n",
        scale.heapBytesPerAddedNumber(), scale.stateBytesPerNumber(), scale.stateBytes() / 1e6));
    md.append(String.format(Locale.ROOT, "- Restore with the state directory wiped: ready after **%.1f s**, the grown "
        + "fleet's last number answered right after %.1f s (goal: under 60 s).%n%n",
        scale.restoreReady().toMillis() / 1e3, scale.restoreAnswering().toMillis() / 1e3));
    return md.toString();
  }

  /** Replaces what follows the results marker in the document (or appends the marker and the results). */
  public static void writeInto(Path document, String results) throws IOException {
    String existing = Files.exists(document) ? Files.readString(document) : "# Benchmarks\n\n";
    int at = existing.indexOf(RESULTS_MARKER);
    String head = at < 0 ? existing + (existing.endsWith("\n") ? "\n" : "\n\n") : existing.substring(0, at);
    Files.writeString(document, head + RESULTS_MARKER + "\n\n" + results);
  }
}
