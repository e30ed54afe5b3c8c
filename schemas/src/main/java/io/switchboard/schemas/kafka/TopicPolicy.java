package io.switchboard.schemas.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a topic is created: partitions, cleanup policy and retention. Topics that are joined with
 * each other share {@link #COPARTITIONED} so that a join needs no repartition topic.
 */
public record TopicPolicy(int partitions, String cleanupPolicy, Duration retention) {

  /** Partition count of every topic keyed by tenant number; they are joined without repartitioning. */
  public static final int COPARTITIONED = 6;

  public static TopicPolicy delete(int partitions, Duration retention) {
    return new TopicPolicy(partitions, TopicConfig.CLEANUP_POLICY_DELETE, retention);
  }

  public static TopicPolicy compact(int partitions) {
    return new TopicPolicy(partitions, TopicConfig.CLEANUP_POLICY_COMPACT, null);
  }

  public boolean compacted() {
    return TopicConfig.CLEANUP_POLICY_COMPACT.equals(cleanupPolicy);
  }

  /** Topic-level configs to pass to the admin client when creating the topic. */
  public Map<String, String> topicConfigs() {
    if (retention == null) {
      return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
    }
    return Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
  }
}
