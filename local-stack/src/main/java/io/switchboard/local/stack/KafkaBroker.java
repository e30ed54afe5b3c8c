package io.switchboard.local.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (combined broker and controller) inside this JVM, listening on
 * 127.0.0.1 only. Topic auto-creation is off: every topic is created explicitly with its policy.
 * {@link #secured} gives a broker whose only client listener takes SASL/SCRAM-SHA-512, as a
 * production cluster would, with one user for the broker itself and one for clients.
 */
public final class KafkaBroker implements KafkaEndpoint {

  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

  /** The SASL mechanism of a secured broker. */
  public static final String SCRAM = "SCRAM-SHA-512";

  private final Path dataDir;
  private final int brokerPort;
  private final Credentials client;
  private final Credentials broker;
  private KafkaRaftServer server;

  /** A user name and password. */
  public record Credentials(String user, String password) {

    String jaas() {
      return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
          + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
      return "Credentials[" + user + "]";
    }
  }

  public KafkaBroker(Path dataDir) {
    this(dataDir, null);
  }

  private KafkaBroker(Path dataDir, Credentials client) {
    this.dataDir = dataDir;
    this.brokerPort = FreePorts.next();
    this.client = client;
    this.broker = client == null ? null : new Credentials("broker", UUID.randomUUID().toString());
  }

  /** A broker that accepts only SASL/SCRAM clients, with these credentials for them. */
  public static KafkaBroker secured(Path dataDir, Credentials client) {
    return new KafkaBroker(dataDir, client);
  }

  @Override
  public Map<String, String> clientProperties() {
    if (client == null) {
      return Map.of();
    }
    return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", SCRAM, "sasl.jaas.config", client.jaas());
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public KafkaBroker start() {
    int controllerPort = FreePorts.next();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    String listener = client == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
    props.put("listeners", listener + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", listener + "://127.0.0.1:" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", listener);
    if (client != null) {
      props.put("sasl.enabled.mechanisms", SCRAM);
      props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
      props.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", broker.jaas());
    }
    props.put("log.dirs", dataDir.resolve("logs").toString());
    props.put("num.partitions", "1");
    internalTopics(props, 1, 1);
    format(props);
    server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    server.startup();
    log.info("Kafka broker (KRaft) listening on {}", bootstrapServers());
    return this;
  }

  /**
   * What every local broker has: no topic created implicitly, Kafka's internal topics (offsets,
   * transactions, share groups) with this replication, no initial rebalance delay, and a small
   * log-cleaner buffer (the default takes 128 MB of heap per broker).
   */
  static void internalTopics(Properties props, int replicationFactor, int minInSync) {
    props.put("auto.create.topics.enable", "false");
    props.put("offsets.topic.replication.factor", Integer.toString(replicationFactor));
    props.put("offsets.topic.num.partitions", "6");
    props.put("transaction.state.log.replication.factor", Integer.toString(replicationFactor));
    props.put("transaction.state.log.min.isr", Integer.toString(minInSync));
    props.put("transaction.state.log.num.partitions", "6");
    props.put("share.coordinator.state.topic.replication.factor", Integer.toString(replicationFactor));
    props.put("share.coordinator.state.topic.min.isr", Integer.toString(minInSync));
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
  }

  private void format(Properties props) {
    try {
      Files.createDirectories(dataDir);
      Path config = dataDir.resolve("server.properties");
      try (Writer writer = Files.newBufferedWriter(config)) {
        props.store(writer, "Switchboard local broker");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      List<String> args = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(),
          "--ignore-formatted"));
      for (Credentials user : client == null ? List.<Credentials>of() : List.of(broker, client)) {
        args.addAll(List.of("--add-scram", SCRAM + "=[name=" + user.user() + ",password=" + user.password() + "]"));
      }
      int code = StorageTool$.MODULE$.execute(args.toArray(String[]::new),
          new PrintStream(output, true, StandardCharsets.UTF_8));
      if (code != 0) {
        throw new IllegalStateException("Formatting the Kafka log dir failed: " + output.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the Kafka data dir " + dataDir, e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }
}
