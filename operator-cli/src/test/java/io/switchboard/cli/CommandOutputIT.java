package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands as an operator runs them, from the built jar in a process of their own: the
 * answer alone on standard output, and nothing from the logging framework on either stream.
 */
class CommandOutputIT {

  private static final Path JAR = Path.of("target", "operator-cli-" + System.getProperty("project.version",
      "0.1.0-SNAPSHOT") + "-exec.jar");

  record Run(int exit, String out, String err) {}

  @Test
  void shouldPrintOnlyTheAnswerWhenGeneratingKeysAndSigningAToken(@TempDir Path dir) throws Exception {
    Path env = dir.resolve(".env");

    Run generate = run("keys", "generate", "--env-file", env.toString());
    Run token = run("keys", "token", "--signing-key", dir.resolve("jwt-signing-key.pem").toString(), "--admin");

    assertThat(generate.exit()).as(generate.err()).isZero();
    assertThat(generate.err()).isEmpty();
    assertThat(generate.out()).startsWith("wrote ").doesNotContain("SLF4J").doesNotContain("logback");
    assertThat(Files.readString(env)).contains("SWITCHBOARD_CREDENTIAL_KEYSET='{").contains("SWITCHBOARD_JWT_PUBLIC_KEY=");
    assertThat(token.exit()).as(token.err()).isZero();
    assertThat(token.err()).isEmpty();
    assertThat(token.out().strip()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }

  @Test
  void shouldAnswerAnUnreachableClusterWithOneLineAndNoLoggingNoise() throws Exception {
    Run tenants = run("tenants", "health", "--bootstrap-servers", "127.0.0.1:1", "--registry-url", "http://127.0.0.1:1");

    assertThat(tenants.exit()).isNotZero();
    assertThat(tenants.err().lines().toList()).hasSize(1).allSatisfy(line -> assertThat(line).startsWith("switchboard: "));
    assertThat(tenants.err()).doesNotContain("SLF4J").doesNotContain("NetworkClient");
  }

  @Test
  void shouldRefuseToOverwriteAnExistingEnvFile(@TempDir Path dir) throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(env, "KEEP=me\n");

    Run generate = run("keys", "generate", "--env-file", env.toString());

    assertThat(generate.exit()).isEqualTo(2);
    assertThat(generate.err()).contains("--force");
    assertThat(Files.readString(env)).isEqualTo("KEEP=me\n");
  }

  private static Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    var out = process.getInputStream();
    var err = process.getErrorStream();
    byte[] outBytes = out.readAllBytes();
    byte[] errBytes = err.readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(outBytes, StandardCharsets.UTF_8),
        new String(errBytes, StandardCharsets.UTF_8));
  }
}
