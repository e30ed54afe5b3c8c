package io.switchboard.cli;

import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.registry.RegistryAuth;
import io.switchboard.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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

  @Option(names = "--client-config", description = "Properties file for a secured cluster: Kafka client settings "
      + "(security.protocol, sasl.*, ssl.*) and the registry's schema.registry.basic.auth.user.info, "
      + "schema.registry.bearer.token, schema.registry.ssl.truststore.location|password|type")
  Path clientConfig;

  /** A value the local stack in this folder wrote for the commands, or null. */
  static String localEndpoint(String key) {
    if (!Files.isRegularFile(LOCAL_ENDPOINTS)) {
      return null;
    }
    Properties local = new Properties();
    try (Reader reader = Files.newBufferedReader(LOCAL_ENDPOINTS)) {
      local.load(reader);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + LOCAL_ENDPOINTS + ": " + e.getMessage(), e);
    }
    return local.getProperty(key);
  }

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
    Properties config = new Properties();
    if (clientConfig != null) {
      try (Reader reader = Files.newBufferedReader(clientConfig)) {
        config.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + clientConfig + ": " + e.getMessage(), e);
      }
    }
    RegistryAuth auth = new RegistryAuth((String) config.remove("schema.registry.basic.auth.user.info"),
        (String) config.remove("schema.registry.bearer.token"),
        (String) config.remove("schema.registry.ssl.truststore.location"),
        (String) config.remove("schema.registry.ssl.truststore.password"),
        (String) config.remove("schema.registry.ssl.truststore.type"));
    Map<String, String> kafka = new HashMap<>();
    config.stringPropertyNames().forEach(key -> kafka.put(key, config.getProperty(key)));
    return new KafkaClients(servers, new SchemaRegistryClient(registry, auth), kafka, null);
  }
}
