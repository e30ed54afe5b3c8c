package io.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard}: the operators' command line. Errors are one line; {@code --verbose} adds the stack trace. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, subcommands = {ExplainCommand.class,
    ConflictsCommand.class, CredentialsCommand.class, KeysCommand.class, DltCommand.class,
    TenantsCommand.class, ReplayCommand.class},
    description = "Operate Switchboard: explain how numbers route, maintain stored credentials and keys.")
public final class SwitchboardCli {

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces of errors")
  boolean verbose;

  public static void main(String[] args) {
    // Before the first logger exists: the command's answer alone on standard output.
    System.setProperty("logback.configurationFile", "logback-cli.xml");
    System.exit(commandLine().execute(args));
  }

  /** The command line with its error handling, for embedding and tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new SwitchboardCli());
    commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      boolean verbose = parseResult.matchedOptionValue("--verbose", false);
      if (verbose) {
        e.printStackTrace(cmd.getErr());
      } else {
        cmd.getErr().println("switchboard: " + e.getMessage());
      }
      return 1;
    });
    return commandLine;
  }
}
