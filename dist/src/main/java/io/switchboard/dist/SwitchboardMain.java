package io.switchboard.dist;

import io.switchboard.kafka.TopicCreator;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Entry point of the production artifact: {@code java -jar switchboard.jar PROCESS [--setting=value ...]}
 * runs one process; {@code topics BOOTSTRAP_SERVERS [REPLICATION_FACTOR [CLIENT_PROPERTIES]]} creates
 * the topics once.
 */
public final class SwitchboardMain {

  private SwitchboardMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.println(usage());
      System.exit(args.length == 0 ? 2 : 0);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (args[0].equals("topics")) {
      TopicCreator.main(rest);
      return;
    }
    SwitchboardProcess process = SwitchboardProcess.named(args[0]).orElse(null);
    if (process == null) {
      System.err.println("unknown process '" + args[0] + "'\n" + usage());
      System.exit(2);
    }
    process.builder().run(rest);
  }

  static String usage() {
    return "usage: java -jar switchboard.jar PROCESS [--setting=value ...]\n"
        + "  PROCESS: " + Arrays.stream(SwitchboardProcess.values()).map(SwitchboardProcess::processName)
            .collect(Collectors.joining(", ")) + "\n"
        + "       java -jar switchboard.jar topics BOOTSTRAP_SERVERS [REPLICATION_FACTOR [CLIENT_PROPERTIES_FILE]]";
  }
}
