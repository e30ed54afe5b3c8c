package io.switchboard.local.stack;

import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.kafka.TopicCreator;
import io.switchboard.schemas.registry.RegistryAuth;
import io.switchboard.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real components Switchboard runs on, started locally on 127.0.0.1 and free ports: a Kafka
 * broker in KRaft mode, Apicurio Registry, mongo-java-server with its oplog, and the Twilio API
 * stand-in; then every topic, created explicitly. {@link #close()} stops all of it, in reverse
 * order, and deletes the working folder.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private final Path workDir;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final String credentialKeyset = CredentialCipher.generateKeysetJson();
  private KafkaEndpoint kafka;
  private KafkaCluster cluster;
  private ApicurioRegistry registry;
  private String registryUrl;
  /** The partition count of the topics it creates; 0 for the default. */
  private int partitions;
  /** Brokers of a cluster started with the registry; 0 for one broker in this JVM. */
  private int clusterNodes;
  private RegistryAuth registryAuth = RegistryAuth.NONE;
  private MongoStandIn mongo;
  private TwilioStandIn twilio;

  private LocalStack(Path workDir) {
    this.workDir = workDir;
  }

  /** Starts everything; on any failure, stops what had started and rethrows. */
  public static LocalStack start(Path apicurioHome) {
    LocalStack stack = new LocalStack(newWorkDir());
    try {
      stack.startAll(apicurioHome);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Starts a second, independent Kafka broker, MongoDB and Twilio stand-in that share an already
   * running registry: for tests that need a cluster of their own (failover, restarts) without
   * paying for another registry.
   */
  public static LocalStack startWithRegistry(String registryUrl) {
    return startWithRegistry(registryUrl, 0);
  }

  /** The same, its topics created with {@code partitions} partitions each (0: the default). */
  public static LocalStack startWithRegistry(String registryUrl, int partitions) {
    LocalStack stack = new LocalStack(newWorkDir());
    try {
      stack.registryUrl = registryUrl;
      stack.partitions = partitions;
      stack.startKafkaMongoTwilio();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Like {@link #startWithRegistry}, with a broker that accepts only SASL/SCRAM clients (these
   * credentials) and a registry reached with the given authentication: a secured cluster, as in
   * production. {@link #kafkaClients()} and the processes started on it use both.
   */
  public static LocalStack startSecured(String registryUrl, RegistryAuth registryAuth,
      KafkaBroker.Credentials kafkaUser) {
    LocalStack stack = new LocalStack(newWorkDir());
    try {
      stack.registryUrl = registryUrl;
      stack.registryAuth = registryAuth;
      stack.kafka = stack.track(KafkaBroker.secured(stack.workDir.resolve("kafka"), kafkaUser).start());
      stack.startTopicsMongoTwilio();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Like {@link #startWithRegistry}, on a Kafka cluster of {@code nodes} nodes, each its own process
   * (replication factor 3, {@code min.insync.replicas=2}), for tests that kill brokers.
   */
  public static LocalStack startClustered(String registryUrl, int nodes) {
    return startClustered(registryUrl, nodes, 0);
  }

  /** The same, its topics created with {@code partitions} partitions each (0: the default). */
  public static LocalStack startClustered(String registryUrl, int nodes, int partitions) {
    LocalStack stack = new LocalStack(newWorkDir());
    try {
      stack.registryUrl = registryUrl;
      stack.partitions = partitions;
      stack.cluster = stack.track(new KafkaCluster(stack.workDir.resolve("kafka"), nodes).start(Duration.ofSeconds(90)));
      stack.kafka = stack.cluster;
      stack.startTopicsMongoTwilio((short) 3);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /** The cluster's nodes, to kill and restart: on a stack started with {@link #startClustered}. */
  public KafkaCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("this stack runs on a single broker");
    }
    return cluster;
  }

  private static Path newWorkDir() {
    try {
      return Files.createTempDirectory("switchboard-stack");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the stack's working folder", e);
    }
  }

  private void startKafkaMongoTwilio() {
    kafka = track(new KafkaBroker(workDir.resolve("kafka")).start());
    startTopicsMongoTwilio();
  }

  private void startTopicsMongoTwilio() {
    startTopicsMongoTwilio((short) 1);
  }

  private void startTopicsMongoTwilio(short replicationFactor) {
    Properties admin = new Properties();
    admin.putAll(kafka.clientProperties());
    admin.put("bootstrap.servers", kafka.bootstrapServers());
    TopicCreator.createAll(admin, replicationFactor, partitions);
    mongo = track(new MongoStandIn().start());
    twilio = track(new TwilioStandIn().start());
  }

  /**
   * Cluster mode: its own registry, and {@code nodes} Kafka brokers (each its own JVM) with
   * replication factor 3 and {@code min.insync.replicas=2}.
   */
  public static LocalStack startClusteredWithRegistry(Path apicurioHome, int nodes) {
    LocalStack stack = new LocalStack(newWorkDir());
    try {
      stack.clusterNodes = nodes;
      stack.startAll(apicurioHome);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Path apicurioHome) {
    long began = System.nanoTime();
    registry = track(new ApicurioRegistry(apicurioHome, workDir));
    Thread registryStarter = new Thread(() -> registry.start(Duration.ofSeconds(90)), "apicurio-start");
    RuntimeException[] registryFailure = new RuntimeException[1];
    registryStarter.setUncaughtExceptionHandler((t, e) -> registryFailure[0] =
        e instanceof RuntimeException r ? r : new IllegalStateException(e));
    registryStarter.start();

    if (clusterNodes > 0) {
      cluster = track(new KafkaCluster(workDir.resolve("kafka"), clusterNodes).start(Duration.ofSeconds(90)));
      kafka = cluster;
      startTopicsMongoTwilio((short) Math.min(3, clusterNodes));
    } else {
      startKafkaMongoTwilio();
    }

    try {
      registryStarter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the registry", e);
    }
    if (registryFailure[0] != null) {
      throw registryFailure[0];
    }
    registryUrl = registry.url();
    log.info("Local stack ready in {} ms: Kafka {}, registry {}, MongoDB {}, Twilio stand-in {}",
        (System.nanoTime() - began) / 1_000_000, kafka.bootstrapServers(), registry.url(),
        mongo.connectionString(), twilio.baseUrl());
  }

  private <T extends AutoCloseable> T track(T component) {
    started.push(component);
    return component;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registryUrl;
  }

  public String mongoUri() {
    return mongo.connectionString();
  }

  /** Kafka client settings besides the bootstrap servers: empty, or SASL on a secured stack. */
  public Map<String, String> kafkaClientProperties() {
    return kafka.clientProperties();
  }

  /** How clients authenticate to this stack's registry. */
  public RegistryAuth registryAuth() {
    return registryAuth;
  }

  public TwilioStandIn twilio() {
    return twilio;
  }

  /** The Tink keyset this stack's processes encrypt credentials with (generated per stack). */
  public String credentialKeyset() {
    return credentialKeyset;
  }

  public Path workDir() {
    return workDir;
  }

  public KafkaClients kafkaClients() {
    return new KafkaClients(bootstrapServers(), new SchemaRegistryClient(registryUrl(), registryAuth),
        kafkaClientProperties(), null);
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        log.warn("Stopping {} failed: {}", component.getClass().getSimpleName(), e.toString());
      }
    }
    deleteRecursively(workDir);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("Could not delete {}: {}", dir, e.toString());
    }
  }
}
