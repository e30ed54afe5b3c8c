package io.switchboard.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Every topic's value schema must read data written with its released version, kept in
 * src/test/resources/schema-baseline (the BACKWARD rule the registry enforces), so an
 * incompatible change fails the build rather than a deployment. When a new version is released,
 * refresh the baseline with {@code mvn -pl schemas test -Dswitchboard.schemas.write-baseline=true}.
 */
class SchemaCompatibilityTest {

  private static final Path BASELINE = Path.of("src/test/resources/schema-baseline");

  @Test
  void shouldReadEveryReleasedVersionOfEveryTopicsValues() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Topic<?, ?> topic : Topics.ALL) {
      if (!SpecificRecord.class.isAssignableFrom(topic.valueType())) {
        continue;
      }
      Schema current = SpecificData.get().getSchema(topic.valueType());
      Path released = BASELINE.resolve(topic.valueSubject() + ".avsc");
      if (Boolean.getBoolean("switchboard.schemas.write-baseline")) {
        Files.writeString(released, current.toString(true));
      }
      if (!Files.exists(released)) {
        problems.add(topic.valueSubject() + ": no released schema in " + released);
        continue;
      }
      String incompatibility = incompatibility(current, new Schema.Parser().parse(released.toFile()));
      if (incompatibility != null) {
        problems.add(topic.valueSubject() + ": " + incompatibility);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldDetectAFieldAddedWithoutADefault() {
    Schema released = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema changed = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"int\"}]}");

    assertThat(incompatibility(changed, released)).contains("b");
  }

  @Test
  void shouldAcceptAFieldAddedWithADefault() {
    Schema released = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema changed = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}]}");

    assertThat(incompatibility(changed, released)).isNull();
  }

  /** Null when a reader with the current schema can read data written with the released one. */
  private static String incompatibility(Schema current, Schema released) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
    if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return null;
    }
    return result.getResult().getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage()).toList().toString();
  }
}
