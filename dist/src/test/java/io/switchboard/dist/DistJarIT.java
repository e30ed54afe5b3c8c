package io.switchboard.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The production artifact as the image runs it: only the processes' code, one JSON log object per
 * line, and a start refused with a message naming the missing setting.
 */
class DistJarIT {

  private static final Path JAR = Path.of("target", "switchboard.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldShipTheProcessesAndNothingOfTheLocalStackOrTheBenchmark() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> entries = jar.stream().map(e -> e.getName()).toList();

      assertThat(entries).anyMatch(e -> e.contains("ingress-gateway-")).anyMatch(e -> e.contains("company-admin-"));
      assertThat(entries).noneMatch(e -> e.contains("local-stack") || e.contains("mongo-java-server")
          || e.contains("apicurio") || e.contains("twilio-reference") || e.contains("bench-")
          || e.contains("kafka_2.13") || e.contains("junit"));
    }
  }

  @Test
  void shouldLogJsonAndNameTheMissingSettingWhenStartedWithoutIt() throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString(), "tenant-resolver-stream", "--server.port=0", "--server.address=127.0.0.1",
        "--switchboard.schema-registry-url=http://127.0.0.1:1").redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isNotZero();
    List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).isNotEmpty().allSatisfy(line -> {
      JsonNode entry = JSON.readTree(line);
      assertThat(entry.has("@timestamp")).as(line).isTrue();
      assertThat(entry.has("log.level") || entry.path("log").has("level")).as(line).isTrue();
    });
    assertThat(output).contains("switchboard.kafkaBootstrapServers").contains("must not be blank");
  }

  @Test
  void shouldListTheProcessesWhenAskedForHelp() throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString(), "--help").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isZero();
    for (SwitchboardProcess p : SwitchboardProcess.values()) {
      assertThat(output).contains(p.processName());
    }
    assertThat(output).contains("topics");
  }
}
