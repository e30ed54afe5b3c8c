package io.switchboard.cli;

import io.switchboard.schemas.kafka.KafkaClients;
import io.switchboard.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Which Kafka cluster and registry a command talks to: given explicitly, or else those of the local
 * stack this folder runs ({@code .switchboard-local/endpoints.properties}, written by
 * {@code ./switchboard run}).
 */
final class ClusterOptions {

  static final Path LOCAL_ENDPOINTS = Path.of(".switchboard-local", "endpoints.properties");

  @Option(names = "--bootstrap-servers", description = "Kafka brokers (default: the local stack's)")
  String bootstrapServers;

  @Option(names = "--registry-url", description = "Schema registry with the Confluent API (default: the local stack's)")
  String registryUrl;

  KafkaClients clients() {
    Properties local = new Properties();
    if ((bootstrapServers == null || registryUrl == null) && Files.isRegularFile(LOCAL_ENDPOINTS)) {
      try (Reader reader = Files.newBufferedReader(LOCAL_ENDPOINTS)) {
        local.load(reader);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + LOCAL_ENDPOINTS + ": " + e.getMessage(), e);
      }
    }
    String servers = bootstrapServers != null ? bootstrapServers : local.getProperty("bootstrap.servers");
    String registry = registryUrl != null ? registryUrl : local.getProperty("registry.url");
    if (servers == null || registry == null) {
      throw new IllegalArgumentException("no cluster given: use --bootstrap-servers and --registry-url, or run "
          + "./switchboard run in this folder");
    }
    return new KafkaClients(servers, new SchemaRegistryClient(registry));
  }
}
