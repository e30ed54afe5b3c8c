package io.switchboard.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.kafka.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final Serde<CallEvent> serde = Topics.CALL_EVENTS.valueSerde(registry);

  private static CallEvent event() {
    return CallEvent.newBuilder()
        .setEventId("ev-1")
        .setType(CallEventType.CALL_ROUTED)
        .setCallSid("CA1")
        .setCompanyId("acme")
        .setOccurredAt(Instant.parse("2026-01-01T00:00:00Z"))
        .build();
  }

  @Test
  void shouldWriteTheConfluentWireFormat() throws Exception {
    byte[] bytes = serde.serializer().serialize(Topics.CALL_EVENTS.name(), event());

    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    assertThat(buffer.get()).isEqualTo((byte) 0);
    int id = buffer.getInt();
    Schema writer = registry.schemaById(id);
    GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(decoded.get("eventId").toString()).isEqualTo("ev-1");
    assertThat(decoded.get("type").toString()).isEqualTo("CALL_ROUTED");
    assertThat(decoded.get("occurredAt")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void shouldReadBackWhatItWrote() {
    byte[] bytes = serde.serializer().serialize(Topics.CALL_EVENTS.name(), event());

    assertThat(serde.deserializer().deserialize(Topics.CALL_EVENTS.name(), bytes)).isEqualTo(event());
  }

  @Test
  void shouldPassTombstonesThrough() {
    assertThat(serde.serializer().serialize(Topics.CALL_EVENTS.name(), null)).isNull();
    assertThat(serde.deserializer().deserialize(Topics.CALL_EVENTS.name(), null)).isNull();
  }

  @Test
  void shouldRefuseBytesThatAreNotInWireFormat() {
    assertThatThrownBy(() -> serde.deserializer().deserialize(Topics.CALL_EVENTS.name(), "{\"json\":1}".getBytes()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("wire format");
  }

  @Test
  void shouldReadRecordsWrittenWithAnOlderSchema() throws Exception {
    Schema older = new Schema.Parser().parse("""
        {"type":"record","name":"CallEvent","namespace":"io.switchboard.schemas.events","fields":[
          {"name":"eventId","type":"string"},
          {"name":"type","type":{"type":"enum","name":"CallEventType","symbols":["CALL_ROUTED"]}},
          {"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
    int id = registry.register(Topics.CALL_EVENTS.valueSubject(), older);
    var record = new org.apache.avro.generic.GenericData.Record(older);
    record.put("eventId", "old-1");
    record.put("type", new org.apache.avro.generic.GenericData.EnumSymbol(older.getField("type").schema(), "CALL_ROUTED"));
    record.put("occurredAt", 0L);
    var out = new java.io.ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(older).write(record, encoder);
    encoder.flush();

    CallEvent read = serde.deserializer().deserialize(Topics.CALL_EVENTS.name(), out.toByteArray());

    assertThat(read.getEventId()).isEqualTo("old-1");
    assertThat(read.getCallSid()).isNull();
    assertThat(read.getReplay()).isFalse();
  }
}
