package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.switchboard.local.stack.FreePorts;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.mirror.ConfigMirror;
import io.switchboard.mirror.ConfigMirrorApplication;
import io.switchboard.mirror.mongo.ResumeTokenStore;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The config mirror on a Kafka cluster and MongoDB of its own: one active instance at a time,
 * takeover when the active one dies, resume from the stored position after a restart, re-snapshot
 * when that position is lost, and no lost or re-ordered change when it is stopped mid-stream.
 */
class ConfigMirrorFailoverIT {

  private static final String DATABASE = "failover";
  private static LocalStack stack;
  private static KafkaClients clients;
  private static MongoClient mongo;
  private static MongoCollection<Document> companies;
  private final List<ConfigurableApplicationContext> mirrors = new ArrayList<>();

  @BeforeAll
  static void startOwnCluster() {
    stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
    clients = stack.kafkaClients();
    mongo = MongoClients.create(stack.mongoUri());
    companies = mongo.getDatabase(DATABASE).getCollection("v2companies");
  }

  @AfterAll
  static void stopOwnCluster() {
    mongo.close();
    stack.close();
  }

  @BeforeEach
  void emptyDatabase() {
    companies.deleteMany(new Document());
    mongo.getDatabase(DATABASE).getCollection(ResumeTokenStore.COLLECTION).deleteMany(new Document());
  }

  @AfterEach
  void stopMirrors() {
    mirrors.forEach(ConfigurableApplicationContext::close);
    mirrors.clear();
  }

  @Test
  void shouldKeepOneMirrorActiveAndHandOverWhenItDies() {
    ConfigurableApplicationContext first = startMirror("mirror-a");
    awaitActive(first);
    ConfigurableApplicationContext second = startMirror("mirror-b");
    insert("c1", "v1");
    awaitConfig("c1", "v1");
    assertThat(mirror(first).isActive()).isTrue();
    assertThat(mirror(second).isActive()).isFalse();

    // The active instance loses MongoDB for good: it can no longer renew its lease.
    first.getBean(MongoClient.class).close();
    awaitActive(second);
    setVersion("c1", "v2");
    insert("c2", "v1");

    awaitConfig("c1", "v2");
    awaitConfig("c2", "v1");
    assertThat(mirror(first).isActive()).isFalse();
  }

  @Test
  void shouldResumeFromTheStoredPositionAfterARestart() {
    insert("c1", "v1");
    ConfigurableApplicationContext first = startMirror("mirror-a");
    awaitConfig("c1", "v1");
    setVersion("c1", "v2");
    awaitConfig("c1", "v2");
    stop(first);

    setVersion("c1", "v3");
    insert("c2", "v1");
    companies.deleteOne(Filters.eq("_id", "c1"));
    ConfigurableApplicationContext second = startMirror("mirror-b");

    Map<String, CompanyConfig> table = TopicTables.awaitTable(clients, Topics.COMPANY_CONFIG,
        t -> t.containsKey("c1") && t.get("c1") == null && t.containsKey("c2"), Duration.ofSeconds(20));
    assertThat(table.get("c1")).isNull();
    assertThat(table.get("c2").getRouting().getWhisperMessage()).isEqualTo("v1");
    assertThat(mirror(second).resnapshotCount()).isZero();
    assertThat(mirror(second).publishedCount()).as("only the three changes made while stopped").isEqualTo(3);
  }

  @Test
  void shouldResnapshotAndRemoveVanishedCompaniesWhenTheStoredPositionIsLost() {
    insert("c1", "v1");
    insert("c2", "v1");
    ConfigurableApplicationContext first = startMirror("mirror-a");
    awaitConfig("c2", "v1");
    setVersion("c1", "v2");
    awaitConfig("c1", "v2");
    stop(first);

    mongo.getDatabase(DATABASE).getCollection(ResumeTokenStore.COLLECTION).updateOne(
        Filters.eq("_id", Topics.COMPANY_CONFIG.name()),
        Updates.set("resumeToken", new BsonDocument("_data", new BsonString("not-a-position"))));
    companies.deleteOne(Filters.eq("_id", "c2"));
    ConfigurableApplicationContext second = startMirror("mirror-b");

    Map<String, CompanyConfig> table = TopicTables.awaitTable(clients, Topics.COMPANY_CONFIG,
        t -> t.containsKey("c2") && t.get("c2") == null, Duration.ofSeconds(30));
    assertThat(table.get("c2")).as("company deleted while the position was lost").isNull();
    assertThat(table.get("c1").getRouting().getWhisperMessage()).isEqualTo("v2");
    assertThat(mirror(second).resnapshotCount()).isEqualTo(1);
  }

  @Test
  void shouldLoseAndReorderNothingWhenStoppedAndRestartedMidStream() throws Exception {
    insert("c1", "v0");
    ConfigurableApplicationContext current = startMirror("mirror-0");
    AtomicInteger written = new AtomicInteger();
    // 60 writes, one every 25 ms, while the mirror is stopped and restarted three times under them.
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(() -> {
      if (written.get() < 60) {
        setVersion("c1", "v" + (written.get() + 1));
        written.incrementAndGet();
      }
    }, 0, 25, TimeUnit.MILLISECONDS);
    try {
      for (int restart = 1; restart <= 3; restart++) {
        int before = written.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> written.get() >= Math.min(60, before + 10));
        stop(current);
        int stoppedAt = written.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> written.get() >= Math.min(60, stoppedAt + 3));
        current = startMirror("mirror-" + restart);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> written.get() == 60);
    } finally {
      writer.shutdownNow();
    }
    String last = "v" + written.get();
    awaitConfig("c1", last);

    List<Integer> versions = new ArrayList<>();
    for (ConsumerRecord<String, CompanyConfig> record : TopicTables.readAll(clients, Topics.COMPANY_CONFIG)) {
      if ("c1".equals(record.key()) && record.value() != null) {
        versions.add(Integer.parseInt(record.value().getRouting().getWhisperMessage().substring(1)));
      }
    }
    assertThat(versions).isSorted();
    assertThat(versions.get(versions.size() - 1)).isEqualTo(written.get());
  }

  private ConfigurableApplicationContext startMirror(String instanceId) {
    ConfigurableApplicationContext context = ConfigMirrorApplication.builder().run(
        "--switchboard.kafka-bootstrap-servers=" + stack.bootstrapServers(),
        "--switchboard.schema-registry-url=" + stack.registryUrl(),
        "--switchboard.credential-keyset=" + stack.credentialKeyset(),
        "--switchboard.mirror.mongo-uri=" + stack.mongoUri(),
        "--switchboard.mirror.database=" + DATABASE,
        "--switchboard.mirror.lease-ttl=2s",
        "--switchboard.mirror.instance-id=" + instanceId,
        "--server.address=127.0.0.1", "--server.port=" + FreePorts.next());
    mirrors.add(context);
    return context;
  }

  private void stop(ConfigurableApplicationContext context) {
    context.close();
    mirrors.remove(context);
  }

  private static ConfigMirror mirror(ConfigurableApplicationContext context) {
    return context.getBean(ConfigMirror.class);
  }

  private static void awaitActive(ConfigurableApplicationContext context) {
    await("mirror became active").atMost(Duration.ofSeconds(15)).until(() -> mirror(context).isActive());
  }

  private static void awaitConfig(String companyId, String version) {
    Map<String, CompanyConfig> table = TopicTables.awaitTable(clients, Topics.COMPANY_CONFIG,
        t -> t.get(companyId) != null && version.equals(t.get(companyId).getRouting().getWhisperMessage()),
        Duration.ofSeconds(20));
    assertThat(table.get(companyId)).as("config of %s", companyId).isNotNull();
    assertThat(table.get(companyId).getRouting().getWhisperMessage()).isEqualTo(version);
  }

  private static void insert(String id, String version) {
    companies.insertOne(new Document("_id", id).append("companyName", id).append("twilioConfig",
        new Document("phoneNumber", "+1555000" + String.format("%04d", Math.abs(id.hashCode()) % 10000))
            .append("callRoutingMode", "voicemail").append("whisperMessage", version)));
  }

  private static void setVersion(String id, String version) {
    companies.updateOne(Filters.eq("_id", id), Updates.set("twilioConfig.whisperMessage", version));
  }
}
