package io.switchboard.kafka;

import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.TopicPolicy;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates every topic of {@link Topics#ALL} with its cleanup policy and one partition count for all
 * (they are joined and routed to each other partition by partition: a co-partitioned join silently
 * mis-routes when counts differ). The count is chosen when a cluster is new ({@link
 * TopicPolicy#COPARTITIONED} unless told otherwise); once topics exist, theirs is kept and a topic
 * added later gets the same. Run once after the brokers are up; running it again is harmless.
 */
public final class TopicCreator {

  private TopicCreator() {}

  public static void createAll(String bootstrapServers, short replicationFactor) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    createAll(props, replicationFactor);
  }

  /** @param adminProperties the admin client's settings: the brokers and, on a secured cluster, SASL or TLS */
  public static void createAll(Properties adminProperties, short replicationFactor) {
    createAll(adminProperties, replicationFactor, 0);
  }

  /**
   * @param partitions the partition count of a new cluster's topics; 0 for the default, or whatever the
   *     existing topics have
   * @throws IllegalStateException when existing topics differ in count, or from a count asked for
   */
  public static void createAll(Properties adminProperties, short replicationFactor, int partitions) {
    String bootstrapServers = adminProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(adminProperties)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> ours = Topics.ALL.stream().map(Topic::name).filter(existing::contains).toList();
      Map<String, Integer> counts = new java.util.TreeMap<>();
      if (!ours.isEmpty()) {
        admin.describeTopics(ours).allTopicNames().get(30, TimeUnit.SECONDS)
            .forEach((name, description) -> counts.put(name, description.partitions().size()));
      }
      Set<Integer> distinct = new java.util.TreeSet<>(counts.values());
      if (distinct.size() > 1) {
        throw new IllegalStateException("Switchboard's topics differ in partition count " + counts
            + "; co-partitioned joins would mis-route. Grow them all to one count (docs/operations.md)");
      }
      int count = distinct.isEmpty() ? (partitions > 0 ? partitions : TopicPolicy.COPARTITIONED)
          : distinct.iterator().next();
      if (partitions > 0 && partitions != count) {
        throw new IllegalStateException("Switchboard's topics have " + count + " partitions, not " + partitions
            + "; a running cluster's partitions are grown as docs/operations.md says, not here");
      }
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : Topics.ALL) {
        if (!existing.contains(topic.name())) {
          missing.add(new NewTopic(topic.name(), count, replicationFactor).configs(topic.policy().topicConfigs()));
        }
      }
      admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      Map<String, TopicDescription> described = describeOnceKnown(admin);
      for (Topic<?, ?> topic : Topics.ALL) {
        int actual = described.get(topic.name()).partitions().size();
        if (actual != count) {
          throw new IllegalStateException("Topic " + topic.name() + " has " + actual + " partitions, expected "
              + count + "; co-partitioned joins would mis-route");
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create Switchboard topics on " + bootstrapServers + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    }
  }

  /**
   * The description of every topic, once the cluster's metadata knows them all: right after their
   * creation a broker may still answer that it does not host one.
   */
  private static Map<String, TopicDescription> describeOnceKnown(Admin admin)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return admin.describeTopics(Topics.ALL.stream().map(Topic::name).toList()).allTopicNames()
            .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  /**
   * Usage: TopicCreator BOOTSTRAP_SERVERS [REPLICATION_FACTOR [CLIENT_PROPERTIES_FILE]] [--partitions=N],
   * the file holding the admin client's security settings on a secured cluster (as Kafka's own
   * {@code --command-config}); N the partition count of a new cluster's topics (default 6).
   */
  public static void main(String[] arguments) throws IOException {
    int partitions = 0;
    int growTo = 0;
    List<String> positional = new ArrayList<>();
    for (String argument : arguments) {
      if (argument.startsWith("--partitions=")) {
        partitions = Integer.parseInt(argument.substring("--partitions=".length()));
      } else if (argument.startsWith("--grow-to=")) {
        growTo = Integer.parseInt(argument.substring("--grow-to=".length()));
      } else {
        positional.add(argument);
      }
    }
    String[] args = positional.toArray(String[]::new);
    if (args.length < 1 || partitions < 0) {
      System.err.println("usage: TopicCreator BOOTSTRAP_SERVERS [REPLICATION_FACTOR [CLIENT_PROPERTIES_FILE]] "
          + "[--partitions=N | --grow-to=N]");
      System.exit(2);
    }
    short replication = args.length > 1 ? Short.parseShort(args[1]) : 3;
    Properties props = new Properties();
    if (args.length > 2) {
      try (Reader reader = Files.newBufferedReader(Path.of(args[2]))) {
        props.load(reader);
      }
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    if (growTo > 0) {
      PartitionGrowth.Report report = PartitionGrowth.grow(props, replication, growTo,
          List.of("tenant-resolver-stream", "call-handler"));
      System.out.println("Switchboard topics grown from " + report.from() + " to " + report.to() + " partitions on "
          + args[0] + "; kept " + report.keptRecords() + "; clear the mirror's resume position "
          + "(switchboard_mirror_state) and the Streams state folders before starting the processes");
      return;
    }
    createAll(props, replication, partitions);
    System.out.println("Switchboard topics ready on " + args[0]);
  }
}
