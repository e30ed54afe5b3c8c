package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.utils.AppInfoParser;

/** What the benchmark ran on, for the report: CPU, cores, memory, OS, JVM and Kafka client versions. */
final class Machine {

  private Machine() {}

  static String describe() {
    String cpu = firstLine(Path.of("/proc/cpuinfo"), "model name").map(l -> l.substring(l.indexOf(':') + 1).trim())
        .orElse(System.getProperty("os.arch"));
    String memory = firstLine(Path.of("/proc/meminfo"), "MemTotal")
        .map(l -> String.format(Locale.ROOT, "%.0f GiB RAM",
            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
        .orElse(String.format(Locale.ROOT, "%.0f GiB heap max", Runtime.getRuntime().maxMemory() / 1024.0 / 1024 / 1024));
    return String.format(Locale.ROOT, "%s, %d cores, %s; %s %s; %s %s; Kafka %s", cpu,
        Runtime.getRuntime().availableProcessors(), memory, System.getProperty("os.name"),
        System.getProperty("os.version"), System.getProperty("java.vm.name"), System.getProperty("java.version"),
        AppInfoParser.getVersion());
  }

  private static Optional<String> firstLine(Path file, String prefix) {
    try {
      return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
