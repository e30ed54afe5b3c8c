package io.switchboard.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.switchboard.cli.SwitchboardCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml runs every process with every setting it requires: what each process requires
 * is derived from its own settings classes, bound and validated as at start-up; the secrets come
 * from the .env file that {@code ./switchboard keys generate} writes, as the README documents.
 */
class ComposeFileTest {

  private static final Path PROJECT = Path.of(System.getProperty("switchboard.project.dir", ".."));
  private static final Path COMPOSE = PROJECT.resolve("docker-compose.yml");

  @TempDir
  static Path dir;
  private static Path dotEnvFile;
  private static Map<String, String> dotEnv;
  private static ComposeFile compose;

  @BeforeAll
  static void generateKeys() throws IOException {
    dotEnvFile = dir.resolve(".env");
    int exit = SwitchboardCli.commandLine().execute("keys", "generate", "--env-file", dotEnvFile.toString());
    assertThat(exit).isZero();
    dotEnv = ComposeFile.readDotEnv(dotEnvFile);
    compose = ComposeFile.read(COMPOSE);
  }

  @Test
  void shouldRunEverySwitchboardProcessAsAService() {
    List<String> commands = compose.services().values().stream().map(ComposeFile::command).toList();

    assertThat(commands).containsAll(Arrays.stream(SwitchboardProcess.values())
        .map(SwitchboardProcess::processName).toList());
  }

  @Test
  void shouldGiveEveryProcessEverySettingItRequires() throws Exception {
    Map<String, List<String>> problems = problems(compose.services(), dotEnv);

    assertThat(problems).isEmpty();
  }

  @Test
  void shouldNameTheSettingWhenARequiredOneIsRemoved() throws Exception {
    Map<String, Map<String, Object>> services = copy(compose.services());
    environmentOf(services, "company-admin").remove("SWITCHBOARD_JWTPUBLICKEY");
    environmentOf(services, "config-mirror").remove("SWITCHBOARD_MIRROR_MONGOURI");
    for (String process : List.of("call-handler", "ingress-gateway")) {
      environmentOf(services, process).remove("SWITCHBOARD_CREDENTIALKEYSET");
    }

    Map<String, List<String>> problems = problems(services, dotEnv);

    assertThat(problems.keySet()).containsExactlyInAnyOrder("company-admin", "config-mirror", "call-handler",
        "ingress-gateway");
    assertThat(problems.get("company-admin").toString()).contains("JwtProperties").contains("jwt-public-key");
    assertThat(problems.get("config-mirror").toString()).contains("MirrorProperties").contains("mongoUri");
    assertThat(problems.get("ingress-gateway").toString()).contains("credential-keyset");
  }

  @Test
  void shouldNotStartWithoutTheGeneratedSecrets() {
    Map<String, String> empty = new HashMap<>();

    assertThat(catching(() -> ComposeFile.environment(compose.services().get("ingress-gateway"), empty)))
        .hasValueSatisfying(message -> assertThat(message).contains("keys generate"));
  }

  @Test
  void shouldPassDockerComposeConfigAfterTheDocumentedSteps() throws Exception {
    Optional<List<String>> composeCommand = composeCommand();
    if (composeCommand.isEmpty()) {
      assertThat(System.getenv("CI")).as("CI runs the compose check: .ci/run installs docker-compose").isNotEqualTo("true");
      assumeThat(composeCommand).as("docker compose or docker-compose on PATH").isPresent();
    }
    List<String> command = new ArrayList<>(composeCommand.get());
    command.addAll(List.of("--project-directory", PROJECT.toString(), "-f", COMPOSE.toString(),
        "--env-file", dotEnvFile.toString(), "config", "-q"));

    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
  }

  private static Map<String, List<String>> problems(Map<String, Map<String, Object>> services,
      Map<String, String> dotEnv) throws Exception {
    Map<String, List<String>> problems = new LinkedHashMap<>();
    for (Map<String, Object> service : services.values()) {
      Optional<SwitchboardProcess> process = Optional.ofNullable(ComposeFile.command(service))
          .flatMap(SwitchboardProcess::named);
      if (process.isPresent()) {
        List<String> found = RequiredSettings.problems(process.get(), ComposeFile.environment(service, dotEnv));
        if (!found.isEmpty()) {
          problems.put(process.get().processName(), found);
        }
      }
    }
    return problems;
  }

  private static Optional<List<String>> composeCommand() {
    for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      List<String> version = new ArrayList<>(candidate);
      version.add("version");
      try {
        Process process = new ProcessBuilder(version).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
          return Optional.of(candidate);
        }
      } catch (IOException e) {
        // Not installed: try the next one.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environmentOf(Map<String, Map<String, Object>> services, String process) {
    Map<String, Object> service = services.values().stream()
        .filter(s -> process.equals(ComposeFile.command(s))).findFirst().orElseThrow();
    return (Map<String, Object>) service.get("environment");
  }

  /** A copy deep enough to remove settings from one service without touching the others. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> copy(Map<String, Map<String, Object>> services) {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    services.forEach((name, service) -> {
      Map<String, Object> serviceCopy = new LinkedHashMap<>(service);
      if (service.get("environment") instanceof Map<?, ?> env) {
        serviceCopy.put("environment", new LinkedHashMap<>((Map<String, Object>) env));
      }
      copy.put(name, serviceCopy);
    });
    return copy;
  }

  private static Optional<String> catching(Runnable action) {
    try {
      action.run();
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }
}
