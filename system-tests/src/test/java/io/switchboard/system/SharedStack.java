package io.switchboard.system;

import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.ApicurioRegistry;
import io.switchboard.local.stack.LocalStack;
import java.util.Map;

/**
 * One local stack and one set of Switchboard processes for the whole integration-test run, started
 * by the first test that needs them and stopped when the test JVM exits, so the suite pays the
 * start-up once. Tests isolate themselves by using their own companies and numbers.
 */
final class SharedStack {

  private static LocalStack stack;
  private static SwitchboardServices services;

  private SharedStack() {}

  static synchronized LocalStack stack() {
    if (stack == null) {
      stack = LocalStack.start(ApicurioRegistry.defaultHome());
      Runtime.getRuntime().addShutdownHook(new Thread(SharedStack::stop, "shared-stack-stop"));
    }
    return stack;
  }

  static synchronized SwitchboardServices services() {
    if (services == null) {
      services = SwitchboardServices.start(stack(), null, Map.of("switchboard.ingress.reply-budget", "4s",
          "switchboard.ingress.max-hold", "14s"));
    }
    return services;
  }

  private static synchronized void stop() {
    if (services != null) {
      services.close();
    }
    if (stack != null) {
      stack.close();
    }
  }
}
