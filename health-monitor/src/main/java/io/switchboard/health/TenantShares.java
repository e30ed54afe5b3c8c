package io.switchboard.health;

import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;

/**
 * Which tenants this health-monitor instance checks: the instances form a consumer group on
 * {@code tenants.company-config}, and each checks the companies whose key falls in the partitions
 * Kafka assigned it. The group is used for its assignment only: the partitions are paused as soon
 * as they are assigned (the companies themselves come from the process's copy of the topic), so
 * membership costs a heartbeat, not a second read of the topic. When an instance stops or fails,
 * its partitions, and so its tenants, move to the others within the group's session timeout.
 */
public final class TenantShares implements MessageListener<String, byte[]>, ConsumerAwareRebalanceListener {

  private static final Logger log = LoggerFactory.getLogger(TenantShares.class);

  private final HealthScheduler scheduler;
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  private final KafkaMessageListenerContainer<String, byte[]> container;
  private volatile int partitions;

  public TenantShares(KafkaClients clients, String groupId, HealthScheduler scheduler) {
    this.scheduler = scheduler;
    this.container = clients.groupContainer(Topics.COMPANY_CONFIG.name(), groupId, "health-shares", this, this);
  }

  public KafkaMessageListenerContainer<String, byte[]> container() {
    return container;
  }

  /** Whether this instance checks the company now. */
  public boolean owns(String companyId) {
    int count = partitions;
    return count > 0 && owned.contains(partitionOf(companyId, count));
  }

  /** The partition the config mirror's producer writes a company to (Kafka's default partitioner for a key). */
  static int partitionOf(String companyId, int partitions) {
    return Utils.toPositive(Utils.murmur2(companyId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
    if (assigned.isEmpty()) {
      return;
    }
    partitions = consumer.partitionsFor(Topics.COMPANY_CONFIG.name()).size();
    assigned.forEach(partition -> {
      owned.add(partition.partition());
      container.pausePartition(partition);
    });
    log.info("Checking the tenants of {} partitions of {}: {}", owned.size(), Topics.COMPANY_CONFIG.name(), owned);
    scheduler.ownershipChanged();
  }

  @Override
  public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
    release(revoked);
  }

  @Override
  public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> lost) {
    release(lost);
  }

  private void release(Collection<TopicPartition> partitionsGone) {
    if (partitionsGone.isEmpty()) {
      return;
    }
    partitionsGone.forEach(partition -> {
      owned.remove(partition.partition());
      container.resumePartition(partition);
    });
    scheduler.ownershipChanged();
  }

  /** Records are not read here: the partitions are paused once assigned. */
  @Override
  public void onMessage(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
  }
}
