package io.switchboard.bench;

import io.switchboard.bench.jmh.HotPathBenchmarks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs the JMH microbenchmarks of the hot functions in a forked JVM and returns their scores. */
public final class Microbenchmarks {

  /** One benchmark's average time per call, with JMH's 99.9% confidence half-width. */
  public record Score(String name, double nanos, double error) {}

  private Microbenchmarks() {}

  public static List<Score> run(int forks, int warmupSeconds, int measurementSeconds) throws RunnerException {
    Options options = new OptionsBuilder()
        .include(HotPathBenchmarks.class.getName() + "\\.")
        .forks(forks)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(warmupSeconds))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(measurementSeconds))
        .shouldFailOnError(true)
        // Avro refuses to load generated classes outside the packages trusted here.
        .jvmArgsAppend("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.switchboard")
        .verbosity(VerboseMode.SILENT)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    List<Score> scores = new ArrayList<>();
    for (RunResult result : results) {
      String label = result.getParams().getBenchmark();
      scores.add(new Score(label.substring(label.lastIndexOf('.') + 1), result.getPrimaryResult().getScore(),
          result.getPrimaryResult().getScoreError()));
    }
    return scores;
  }
}
