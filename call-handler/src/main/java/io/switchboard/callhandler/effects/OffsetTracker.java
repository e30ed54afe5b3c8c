package io.switchboard.callhandler.effects;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Turns records that finish out of order (tenants are processed independently) into in-order
 * acknowledgements for the listener container: a record is acknowledged only once every record
 * before it in its partition is finished, so the container never commits past a record in progress.
 * Acknowledging record n tells the container to commit n + 1; only the last finished record below
 * the oldest one still in progress is acknowledged, the ones before it are covered by it.
 *
 * <p>spring-kafka's own out-of-order commits ({@code asyncAcks}) would do this too, but pause the
 * whole consumer until every record of the previous poll is acknowledged: one tenant whose Twilio
 * account is failing would then hold up every other tenant's side effects (ADR 0008).
 */
final class OffsetTracker {

  private final Map<TopicPartition, NavigableMap<Long, Acknowledgment>> inProgress = new HashMap<>();
  private final Map<TopicPartition, NavigableMap<Long, Acknowledgment>> finished = new HashMap<>();
  private final Map<TopicPartition, Long> nextAfterSeen = new HashMap<>();

  synchronized void started(TopicPartition partition, long offset, Acknowledgment ack) {
    inProgress.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, ack);
    nextAfterSeen.merge(partition, offset + 1, Math::max);
  }

  /** Marks a record finished and acknowledges what may now be committed; nothing for a forgotten partition. */
  synchronized void finished(TopicPartition partition, long offset) {
    NavigableMap<Long, Acknowledgment> running = inProgress.get(partition);
    Acknowledgment ack = running == null ? null : running.remove(offset);
    if (ack == null) {
      return;
    }
    NavigableMap<Long, Acknowledgment> done = finished.computeIfAbsent(partition, p -> new TreeMap<>());
    done.put(offset, ack);
    NavigableMap<Long, Acknowledgment> committable = done.headMap(committablePosition(partition), false);
    if (!committable.isEmpty()) {
      // Under the lock: acknowledgements reach the container in the order of their positions.
      committable.lastEntry().getValue().acknowledge();
      committable.clear();
    }
  }

  /** The position that may be committed: the oldest record in progress, or the one after the last seen. */
  synchronized long committablePosition(TopicPartition partition) {
    NavigableMap<Long, Acknowledgment> running = inProgress.get(partition);
    Long next = nextAfterSeen.get(partition);
    if (running != null && !running.isEmpty()) {
      return running.firstKey();
    }
    return next == null ? 0 : next;
  }

  synchronized int inFlight() {
    return inProgress.values().stream().mapToInt(Map::size).sum();
  }

  synchronized int inFlight(TopicPartition partition) {
    NavigableMap<Long, Acknowledgment> running = inProgress.get(partition);
    return running == null ? 0 : running.size();
  }

  /** Forgets a partition this instance no longer holds: its records' completions acknowledge nothing. */
  synchronized void forget(TopicPartition partition) {
    inProgress.remove(partition);
    finished.remove(partition);
    nextAfterSeen.remove(partition);
  }
}
