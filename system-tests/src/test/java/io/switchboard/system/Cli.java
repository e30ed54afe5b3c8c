package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.cli.SwitchboardCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.stream.Stream;

/** Runs the operator command line in the test JVM, as an operator would, and returns what it printed. */
final class Cli {

  private Cli() {}

  /** Runs the command, which must succeed, and returns its standard output. */
  static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SwitchboardCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    assertThat(code).as("exit code; stderr: %s", err).isZero();
    return out.toString();
  }

  /** Runs the command against the shared stack's Kafka cluster and registry. */
  static String runOnSharedStack(String... args) {
    return run(Stream.concat(Arrays.stream(args), Stream.of("--bootstrap-servers", SharedStack.stack().bootstrapServers(),
        "--registry-url", SharedStack.stack().registryUrl())).toArray(String[]::new));
  }
}
