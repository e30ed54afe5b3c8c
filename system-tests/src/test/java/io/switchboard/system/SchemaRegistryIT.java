package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.registry.SchemaRegistryClient;
import io.switchboard.schemas.registry.SchemaRegistryException;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The real registry of the local stack enforces BACKWARD compatibility through its Confluent API. */
class SchemaRegistryIT {

  private final SchemaRegistryClient registry = new SchemaRegistryClient(SharedStack.stack().registryUrl());

  @Test
  void shouldUseBackwardCompatibilityByDefault() {
    assertThat(registry.globalCompatibility()).isEqualTo("BACKWARD");
  }

  @Test
  void shouldRefuseAValueSchemaThatCannotReadTheReleasedOne() {
    String subject = "compatibility-check-" + UUID.randomUUID() + "-value";
    Schema released = CallEvent.getClassSchema();
    int id = registry.register(subject, released);

    Schema breaking = SchemaBuilder.record("CallEvent").namespace("io.switchboard.schemas.events").fields()
        .requiredString("eventId").requiredString("mandatoryNewField").endRecord();

    assertThatThrownBy(() -> registry.register(subject, breaking))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.incompatible()).isTrue());
    assertThat(registry.schemaById(id)).isEqualTo(released);
  }

  @Test
  void shouldAcceptAFieldAddedWithADefault() {
    String subject = "compatibility-check-" + UUID.randomUUID() + "-value";
    registry.register(subject, CallEvent.getClassSchema());
    Schema evolved = new Schema.Parser().parse(CallEvent.getClassSchema().toString()
        .replace("\"fields\":[", "\"fields\":[{\"name\":\"campaign\",\"type\":[\"null\",\"string\"],\"default\":null},"));

    assertThat(registry.register(subject, evolved)).isPositive();
  }
}
