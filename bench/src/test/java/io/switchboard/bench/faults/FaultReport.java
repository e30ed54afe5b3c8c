package io.switchboard.bench.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;

/**
 * The figures a fault scenario measured, appended to {@code target/fault-report.md} (and logged),
 * from which {@code docs/reliability.md} quotes them.
 */
final class FaultReport {

  private static final Path FILE = Path.of("target", "fault-report.md");

  private FaultReport() {}

  static void write(String scenario, String figures) {
    String entry = "## " + scenario + " (" + ZonedDateTime.now().withNano(0) + ")\n\n" + figures + "\n\n";
    System.out.print(entry);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, entry, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
