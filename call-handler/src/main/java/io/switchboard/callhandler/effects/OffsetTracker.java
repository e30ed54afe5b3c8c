package io.switchboard.callhandler.effects;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed while records of one partition finish out of order (tenants are
 * processed independently): per partition, the lowest offset still in progress, or the next offset
 * after the last one seen when none is. A record is never committed before it is finished.
 */
final class OffsetTracker {

  private final Map<TopicPartition, NavigableSet<Long>> pending = new HashMap<>();
  private final Map<TopicPartition, Long> nextAfterSeen = new HashMap<>();

  synchronized void started(TopicPartition partition, long offset) {
    pending.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    nextAfterSeen.merge(partition, offset + 1, Math::max);
  }

  synchronized void finished(TopicPartition partition, long offset) {
    NavigableSet<Long> offsets = pending.get(partition);
    if (offsets != null) {
      offsets.remove(offset);
    }
  }

  synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    nextAfterSeen.forEach((partition, next) -> {
      NavigableSet<Long> offsets = pending.get(partition);
      long commit = offsets == null || offsets.isEmpty() ? next : offsets.first();
      commits.put(partition, new OffsetAndMetadata(commit));
    });
    return commits;
  }

  synchronized int inFlight() {
    return pending.values().stream().mapToInt(NavigableSet::size).sum();
  }

  synchronized Map<TopicPartition, Integer> inFlightByPartition() {
    Map<TopicPartition, Integer> counts = new HashMap<>();
    pending.forEach((partition, offsets) -> counts.put(partition, offsets.size()));
    return counts;
  }

  synchronized void forget(TopicPartition partition) {
    pending.remove(partition);
    nextAfterSeen.remove(partition);
  }
}
