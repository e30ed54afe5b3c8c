package io.switchboard.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A registry held in memory, for topology tests with {@code TopologyTestDriver} that run without
 * any server. It assigns ids but checks no compatibility; integration tests and every deployed
 * process use {@link SchemaRegistryClient} against a real registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  private final AtomicInteger nextId = new AtomicInteger(1);
  private final Map<Schema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

  @Override
  public int register(String subject, Schema schema) {
    return ids.computeIfAbsent(schema, k -> {
      int id = nextId.getAndIncrement();
      schemas.put(id, schema);
      return id;
    });
  }

  @Override
  public int lookup(String subject, Schema schema) {
    Integer id = ids.get(schema);
    if (id == null) {
      throw new SchemaRegistryException("Schema not registered under " + subject, 404);
    }
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    Schema schema = schemas.get(id);
    if (schema == null) {
      throw new SchemaRegistryException("No schema with id " + id, 404);
    }
    return schema;
  }
}
