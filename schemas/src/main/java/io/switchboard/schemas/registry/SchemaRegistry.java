package io.switchboard.schemas.registry;

import org.apache.avro.Schema;

/** The three registry operations a Confluent-format producer and consumer need. */
public interface SchemaRegistry {

  /** Registers the schema under the subject (or finds it when already registered) and returns its id. */
  int register(String subject, Schema schema);

  /** Id of a schema already registered under the subject, without registering it. */
  int lookup(String subject, Schema schema);

  /** The schema a writer used, by the id in a record's wire-format header. */
  Schema schemaById(int id);
}
