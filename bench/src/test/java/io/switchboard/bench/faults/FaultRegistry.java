package io.switchboard.bench.faults;

import io.switchboard.local.stack.ApicurioRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One Apicurio Registry for every fault scenario in this JVM (each scenario runs its own Kafka
 * cluster, MongoDB and Twilio stand-in on it), stopped when the JVM ends.
 */
final class FaultRegistry {

  private static ApicurioRegistry registry;

  private FaultRegistry() {}

  static synchronized String url() {
    if (registry == null) {
      try {
        Path work = Files.createTempDirectory("switchboard-fault-registry");
        registry = new ApicurioRegistry(ApicurioRegistry.defaultHome(), work).start(Duration.ofSeconds(120));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ApicurioRegistry started = registry;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "fault-registry-stop"));
    }
    return registry.url();
  }
}
