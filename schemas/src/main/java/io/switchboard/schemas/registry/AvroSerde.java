package io.switchboard.schemas.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro values in Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then the
 * Avro binary encoding. Any Confluent-compatible consumer reads what this writes. The writer
 * registers its schema under the topic's subject, so an incompatible change is refused by the
 * registry's BACKWARD rule before a single record is written. The reader resolves the writer's
 * schema by id, so records written by older and newer producers both decode.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  public static final byte MAGIC_BYTE = 0;

  static {
    // Avro refuses to instantiate generated classes from packages it does not trust.
    String key = "org.apache.avro.SERIALIZABLE_PACKAGES";
    String current = System.getProperty(key);
    if (current == null || !current.contains("io.switchboard")) {
      System.setProperty(key, current == null || current.isBlank() ? "io.switchboard" : current + ",io.switchboard");
    }
  }

  private final SchemaRegistry registry;
  private final String subject;
  private final Schema readerSchema;
  private final boolean autoRegister;

  private AvroSerde(SchemaRegistry registry, String subject, Schema readerSchema, boolean autoRegister) {
    this.registry = registry;
    this.subject = subject;
    this.readerSchema = readerSchema;
    this.autoRegister = autoRegister;
  }

  public static <T extends SpecificRecord> AvroSerde<T> forTopic(
      SchemaRegistry registry, String subject, Class<T> type) {
    return new AvroSerde<>(registry, subject, SpecificData.get().getSchema(type), true);
  }

  /**
   * Registers the reader schema now, so that a process whose schema the registry refuses as
   * incompatible fails at start-up rather than on its first record.
   */
  public int registerSchema() {
    return autoRegister ? registry.register(subject, readerSchema) : registry.lookup(subject, readerSchema);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> serialize(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> deserialize(bytes);
  }

  public byte[] serialize(T value) {
    if (value == null) {
      return null;
    }
    Schema schema = value.getSchema();
    int id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new SpecificDatumWriter<T>(schema, SpecificData.getForSchema(schema)).write(value, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot encode " + schema.getFullName() + " for " + subject + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  public T deserialize(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length < 5 || buffer.get() != MAGIC_BYTE) {
      throw new SerializationException("Record on " + subject + " is not in Confluent wire format (no magic byte 0)");
    }
    int id = buffer.getInt();
    Schema writerSchema = registry.schemaById(id);
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
    try {
      return new SpecificDatumReader<T>(writerSchema, readerSchema, SpecificData.getForSchema(readerSchema))
          .read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot decode record with schema id " + id + " on " + subject + ": " + e.getMessage(), e);
    }
  }
}
