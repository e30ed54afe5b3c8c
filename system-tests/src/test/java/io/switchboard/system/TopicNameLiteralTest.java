package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Topic names are written once, in the topic registry; every other source file refers to its constants. */
class TopicNameLiteralTest {

  private static final Path ROOT = Path.of("..");
  private static final List<String> REGISTRY_FILES = List.of("Topics.java", "TopicsTest.java");

  @Test
  void shouldWriteNoTopicNameAsAStringLiteralOutsideTheTopicRegistry() throws IOException {
    List<String> names = Topics.ALL.stream().map(Topic::name).toList();
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/"))
          .filter(p -> !REGISTRY_FILES.contains(p.getFileName().toString())).toList()) {
        String source = Files.readString(file);
        for (String name : names) {
          if (source.contains("\"" + name + "\"") || source.contains("\"" + name + "-")) {
            offenders.add(ROOT.relativize(file) + " writes \"" + name + "\"");
          }
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void shouldScanTheWholeSourceTree() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("ResolverTopology.java")).count()).isEqualTo(1);
    }
  }
}
