package io.switchboard.local.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  @Test
  void shouldDrawPortsBelowTheKernelsEphemeralRange() throws Exception {
    assumeTrue(Files.exists(RANGE), "no Linux port range here");
    int start;
    try (BufferedReader reader = new BufferedReader(new FileReader(RANGE.toFile()))) {
      start = Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
    }
    assumeTrue(start > 11_000, "an ephemeral range this low leaves no room below it");

    assertThat(FreePorts.ephemeralRangeStart()).isEqualTo(start);
    for (int i = 0; i < 200; i++) {
      assertThat(FreePorts.next()).isBetween(10_000, start - 1);
    }
  }
}
