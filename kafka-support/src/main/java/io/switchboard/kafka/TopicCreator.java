package io.switchboard.kafka;

import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.kafka.Topic;
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
 * Creates every topic of {@link Topics#ALL} with its partitions and cleanup policy, and checks that
 * topics which already exist have the partition count the design needs (a co-partitioned join
 * silently mis-routes when counts differ). Run once after the brokers are up; running it again is
 * harmless.
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
    String bootstrapServers = adminProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(adminProperties)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : Topics.ALL) {
        if (!existing.contains(topic.name())) {
          missing.add(new NewTopic(topic.name(), topic.policy().partitions(), replicationFactor)
              .configs(topic.policy().topicConfigs()));
        }
      }
      admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      Map<String, TopicDescription> described = describeOnceKnown(admin);
      for (Topic<?, ?> topic : Topics.ALL) {
        int actual = described.get(topic.name()).partitions().size();
        if (actual != topic.policy().partitions()) {
          throw new IllegalStateException("Topic " + topic.name() + " has " + actual + " partitions, expected "
              + topic.policy().partitions() + "; co-partitioned joins would mis-route");
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
   * Usage: TopicCreator BOOTSTRAP_SERVERS [REPLICATION_FACTOR [CLIENT_PROPERTIES_FILE]], the file
   * holding the admin client's security settings on a secured cluster (as Kafka's own
   * {@code --command-config}).
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: TopicCreator BOOTSTRAP_SERVERS [REPLICATION_FACTOR [CLIENT_PROPERTIES_FILE]]");
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
    createAll(props, replication);
    System.out.println("Switchboard topics ready on " + args[0]);
  }
}
