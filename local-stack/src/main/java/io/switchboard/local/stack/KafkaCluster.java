package io.switchboard.local.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster of several KRaft nodes (each broker and controller), each in a JVM process of
 * its own on 127.0.0.1, so that a node can be killed as a crash kills it ({@code SIGKILL}: no
 * controlled shutdown, no flush) and started again on its data. Replication factor 3 and
 * {@code min.insync.replicas=2} by default, as in production; failure detection is shortened (a
 * dead broker is fenced after 3 s) so that fault tests do not wait out production timeouts.
 */
public final class KafkaCluster implements AutoCloseable, KafkaEndpoint {

  private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);

  private final Path dataDir;
  private final int size;
  private final int[] brokerPorts;
  private final int[] controllerPorts;
  private final Process[] processes;
  private final String clusterId = Uuid.randomUuid().toString();

  public KafkaCluster(Path dataDir, int size) {
    if (size < 3) {
      throw new IllegalArgumentException("a cluster that survives a node's loss needs at least 3 nodes, got " + size);
    }
    this.dataDir = dataDir;
    this.size = size;
    this.brokerPorts = IntStream.range(0, size).map(i -> FreePorts.next()).toArray();
    this.controllerPorts = IntStream.range(0, size).map(i -> FreePorts.next()).toArray();
    this.processes = new Process[size];
  }

  @Override
  public String bootstrapServers() {
    return IntStream.range(0, size).mapToObj(i -> "127.0.0.1:" + brokerPorts[i]).collect(Collectors.joining(","));
  }

  @Override
  public Map<String, String> clientProperties() {
    return Map.of();
  }

  /** Node ids, 1 to size. */
  public List<Integer> nodeIds() {
    return IntStream.rangeClosed(1, size).boxed().toList();
  }

  public KafkaCluster start(Duration timeout) {
    String voters = IntStream.range(0, size).mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i])
        .collect(Collectors.joining(","));
    for (int i = 0; i < size; i++) {
      format(i, voters);
    }
    for (int node : nodeIds()) {
      launch(node);
    }
    awaitBrokers(size, timeout);
    log.info("Kafka cluster of {} nodes listening on {}", size, bootstrapServers());
    return this;
  }

  private Path nodeDir(int node) {
    return dataDir.resolve("node-" + node);
  }

  private void format(int index, String voters) {
    int node = index + 1;
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(node));
    props.put("controller.quorum.voters", voters);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[index] + ",CONTROLLER://127.0.0.1:" + controllerPorts[index]);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[index]);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", nodeDir(node).resolve("logs").toString());
    props.put("default.replication.factor", "3");
    props.put("min.insync.replicas", "2");
    KafkaBroker.internalTopics(props, 3, 2);
    // A crashed broker is fenced, and its partitions led elsewhere, within seconds.
    props.put("broker.heartbeat.interval.ms", "500");
    props.put("broker.session.timeout.ms", "3000");
    props.put("replica.lag.time.max.ms", "5000");
    try {
      Files.createDirectories(nodeDir(node));
      Path config = nodeDir(node).resolve("server.properties");
      try (Writer writer = Files.newBufferedWriter(config)) {
        props.store(writer, "Switchboard local cluster node " + node);
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int code = StorageTool$.MODULE$.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(),
          "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
      if (code != 0) {
        throw new IllegalStateException("Formatting node " + node + " failed: " + output.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the data dir of node " + node, e);
    }
  }

  /** Whether the class path is one Spring Boot executable jar (classes under BOOT-INF/). */
  private static boolean isExecutableJar(String classPath) {
    if (!classPath.endsWith(".jar") || classPath.contains(java.io.File.pathSeparator)) {
      return false;
    }
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(classPath)) {
      return jar.getEntry("BOOT-INF/classes/") != null;
    } catch (IOException e) {
      return false;
    }
  }

  private void launch(int node) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath = System.getProperty("java.class.path");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", classPath));
    if (isExecutableJar(classPath)) {
      // Run from ./switchboard run's executable jar: its nested jars are loaded by Spring Boot's launcher.
      command.addAll(List.of("-Dloader.main=kafka.Kafka", "org.springframework.boot.loader.launch.PropertiesLauncher"));
    } else {
      command.add("kafka.Kafka");
    }
    command.add(nodeDir(node).resolve("server.properties").toString());
    try {
      processes[node - 1] = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir(node).resolve("node.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Kafka node " + node, e);
    }
  }

  /** Kills a node as a crash would: SIGKILL, no controlled shutdown. */
  public void kill(int node) {
    Process process = processes[node - 1];
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    processes[node - 1] = null;
    log.warn("Killed Kafka node {}", node);
  }

  /** Starts a killed node again on its data and waits until every node is a registered broker. */
  public void restart(int node, Duration timeout) {
    launch(node);
    awaitBrokers(size, timeout);
    log.info("Kafka node {} is back", node);
  }

  public boolean running(int node) {
    Process process = processes[node - 1];
    return process != null && process.isAlive();
  }

  /** The node leading the most partitions of a topic now. */
  public int busiestLeader(String topic) {
    return describe(topic).partitions().stream()
        .filter(p -> p.leader() != null)
        .collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()))
        .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** Per partition of a topic, its leader now (-1 while it has none). */
  public Map<Integer, Integer> leaders(String topic) {
    return describe(topic).partitions().stream().collect(Collectors.toMap(TopicPartitionInfo::partition,
        p -> p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id()));
  }

  /** Partitions of a topic whose in-sync replicas are all the nodes. */
  public long fullyReplicated(String topic) {
    return describe(topic).partitions().stream().filter(p -> p.isr().size() == size).count();
  }

  private TopicDescription describe(String topic) {
    try (Admin admin = admin()) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot describe " + topic + ": " + e.getMessage(), e);
    }
  }

  private Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(props);
  }

  private void awaitBrokers(int expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not asked yet";
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        for (int i = 0; i < size; i++) {
          if (processes[i] != null && !processes[i].isAlive()) {
            throw new IllegalStateException("Kafka node " + (i + 1) + " exited with " + processes[i].exitValue()
                + "; see " + nodeDir(i + 1).resolve("node.log"));
          }
        }
        try {
          int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          if (brokers == expected) {
            return;
          }
          last = brokers + " brokers";
        } catch (Exception e) {
          last = e.toString();
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("Kafka cluster did not have " + expected + " brokers within " + timeout + ": " + last);
  }

  @Override
  public void close() {
    for (int node : nodeIds()) {
      Process process = processes[node - 1];
      if (process != null) {
        process.destroy();
      }
    }
    for (int node : nodeIds()) {
      Process process = processes[node - 1];
      if (process != null) {
        try {
          if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
