package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.kafka.TopicReplica;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A replica whose consumer fails (here: its thread interrupted mid-poll, which the Kafka client
 * turns into an exception) goes on following the topic from where it was, with what it held; the
 * first hand-written loop stopped for good while its process kept serving stale data.
 */
class TopicReplicaRestartIT {

  @Test
  void shouldKeepFollowingTheTopicFromWhereItWasAfterItsConsumerFailed() throws Exception {
    KafkaClients clients = SharedStack.stack().kafkaClients();
    String before = "replica-before-" + UUID.randomUUID();
    String after = "replica-after-" + UUID.randomUUID();
    Set<Thread> others = loops();
    try (KafkaProducer<String, TenantHealth> producer = clients.producer(Topics.TENANT_HEALTH, "replica-restart-it");
        TopicReplica<TenantHealth> replica = new TopicReplica<>(Topics.TENANT_HEALTH, clients, (k, v) -> { })
            .start(Duration.ofSeconds(60))) {
      producer.send(new ProducerRecord<>(Topics.TENANT_HEALTH.name(), before, health(before))).get();
      await().atMost(Duration.ofSeconds(30)).until(() -> replica.get(before) != null);
      Set<Thread> loops = loops();
      loops.removeAll(others);
      assertThat(loops).hasSize(1);

      loops.forEach(Thread::interrupt);

      producer.send(new ProducerRecord<>(Topics.TENANT_HEALTH.name(), after, health(after))).get();
      await().atMost(Duration.ofSeconds(30)).until(() -> replica.get(after) != null && replica.problem().isEmpty());
      assertThat(replica.get(before)).isNotNull();
    }
  }

  private static Set<Thread> loops() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("replica-" + Topics.TENANT_HEALTH.name() + "-C-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  private static TenantHealth health(String companyId) {
    return TenantHealth.newBuilder().setCompanyId(companyId).setStatus(HealthStatus.HEALTHY).setCheckedAt(Instant.now())
        .build();
  }
}
