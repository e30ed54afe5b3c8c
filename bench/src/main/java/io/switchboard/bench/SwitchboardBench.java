package io.switchboard.bench;

import io.switchboard.local.stack.ApicurioRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./switchboard bench}: the full pipeline on the local stack under open-loop load, beside the
 * design it replaces and the composed floor of its own design, measured in the same run, then the JMH microbenchmarks; writes the tables to
 * {@code docs/benchmarks.md}.
 */
@Command(name = "switchboard bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark Switchboard's webhook pipeline on the embedded local stack and write docs/benchmarks.md.")
public final class SwitchboardBench implements Callable<Integer> {

  @Option(names = "--companies", defaultValue = "10000", description = "Companies in the fleet (default: ${DEFAULT-VALUE})")
  int companies;

  @Option(names = "--numbers", defaultValue = "30000",
      description = "Numbers across the fleet, up to 1,000,000 (default: ${DEFAULT-VALUE})")
  int numbers;

  @Option(names = "--scale-numbers", defaultValue = "0",
      description = "At the end, grow the fleet to this many numbers (up to 1,000,000) and measure routing, memory "
          + "and the resolver's restore at that size; 0 to skip (default: ${DEFAULT-VALUE})")
  int scaleNumbers;

  @Option(names = "--rates", split = ",", defaultValue = "100,500,1000,2000",
      description = "Offered rates in webhooks/s (default: ${DEFAULT-VALUE})")
  List<Integer> rates;

  @Option(names = "--step-seconds", defaultValue = "12", description = "Seconds at each rate (default: ${DEFAULT-VALUE})")
  int stepSeconds;

  @Option(names = "--warmup-seconds", defaultValue = "30",
      description = "Seconds of load on each design before its first step, for the JIT compilers (default: ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Option(names = "--step-warmup-seconds", defaultValue = "5",
      description = "Seconds of load at a step's own rate before it is measured (default: ${DEFAULT-VALUE})")
  int stepWarmupSeconds;

  @Option(names = "--warmup-rate", defaultValue = "300", description = "Webhooks/s while warming up (default: ${DEFAULT-VALUE})")
  int warmupRate;

  @Option(names = "--search-ceiling", defaultValue = "5000",
      description = "Highest rate tried when looking for the maximum sustained throughput; 0 to skip (default: ${DEFAULT-VALUE})")
  int searchCeiling;

  @Option(names = "--repeats", defaultValue = "3",
      description = "Times the maximum sustained rate is searched; the median is reported (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--stall-seconds", defaultValue = "5",
      description = "Seconds MongoDB stops answering under steady load; 0 to skip (default: ${DEFAULT-VALUE})")
  int stallSeconds;

  @Option(names = "--stall-rate", defaultValue = "200",
      description = "Webhooks/s during the MongoDB stall step (default: ${DEFAULT-VALUE})")
  int stallRate;

  @Option(names = "--propagation-samples", defaultValue = "25",
      description = "Companies whose routing mode is changed and changed back (default: ${DEFAULT-VALUE})")
  int propagationSamples;

  @Option(names = "--no-peers", negatable = true, defaultValue = "true",
      description = "Measure Switchboard alone, without the seed design and the composed floor")
  boolean peers;

  @Option(names = "--no-micro", negatable = true, defaultValue = "true", description = "Skip the JMH microbenchmarks")
  boolean micro;

  @Option(names = "--seed", defaultValue = "20261126", description = "Seed of the fleet and of the traffic")
  long seed;

  @Option(names = "--output", defaultValue = "docs/benchmarks.md",
      description = "Document whose results section is replaced; 'none' to only print (default: ${DEFAULT-VALUE})")
  String output;

  @Option(names = "--apicurio-home", description = "Unpacked Apicurio Registry (default: local-stack/target/apicurio)")
  Path apicurioHome;

  private final String commandLine;

  SwitchboardBench(String commandLine) {
    this.commandLine = commandLine;
  }

  public static void main(String[] args) {
    String command = ("./switchboard bench " + String.join(" ", args)).trim();
    System.exit(new CommandLine(new SwitchboardBench(command)).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ZonedDateTime started = ZonedDateTime.now();
    BenchRun.Settings settings = new BenchRun.Settings(companies, numbers, rates, Duration.ofSeconds(stepSeconds),
        Duration.ofSeconds(warmupSeconds), warmupRate, Duration.ofSeconds(stepWarmupSeconds), searchCeiling, repeats,
        Duration.ofSeconds(stallSeconds), stallRate, propagationSamples, peers, scaleNumbers, seed,
        apicurioHome != null ? apicurioHome : ApicurioRegistry.defaultHome(), Map.of());
    BenchRun.Results results = new BenchRun(settings, System.out::println).run();
    List<Microbenchmarks.Score> scores = List.of();
    if (micro) {
      System.out.println("JMH microbenchmarks of the hot functions (forked JVM)");
      scores = Microbenchmarks.run(1, 1, 1);
    }
    String report = BenchReport.markdown(results, scores, commandLine, started);
    System.out.println();
    System.out.println(report);
    if (!"none".equals(output)) {
      BenchReport.writeInto(Path.of(output), report);
      System.out.println("Written to " + output);
    }
    return results.loss().lossless() ? 0 : 1;
  }
}
