package io.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Records and bytes appended to each topic, read from the in-process broker's own counters
 * ({@code kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec|BytesInPerSec,topic=*}), so
 * that a step can say how many Kafka records and bytes each webhook cost.
 */
public final class BrokerCounters {

  private static final String MESSAGES = "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=*";
  private static final String BYTES = "kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=*";

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  /** The broker's counts per topic now: records and bytes appended since it started. */
  public Counts read() {
    return new Counts(counts(MESSAGES), counts(BYTES));
  }

  private Map<String, Long> counts(String pattern) {
    Map<String, Long> byTopic = new HashMap<>();
    try {
      for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
        Object count = server.getAttribute(name, "Count");
        if (count instanceof Number n) {
          byTopic.put(name.getKeyProperty("topic"), n.longValue());
        }
      }
    } catch (JMException e) {
      throw new IllegalStateException("Cannot read the broker's topic counters", e);
    }
    return byTopic;
  }

  /** Records and bytes appended per topic, since the broker started. */
  public record Counts(Map<String, Long> records, Map<String, Long> bytes) {

    /** What was appended between {@code before} and this, per topic with any, most records first. */
    public Counts minus(Counts before) {
      return new Counts(difference(records, before.records), difference(bytes, before.bytes));
    }

    public long totalRecords() {
      return records.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalBytes() {
      return bytes.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Long> difference(Map<String, Long> now, Map<String, Long> before) {
      List<Map.Entry<String, Long>> entries = new ArrayList<>();
      now.forEach((topic, n) -> {
        long d = n - before.getOrDefault(topic, 0L);
        if (d > 0) {
          entries.add(Map.entry(topic, d));
        }
      });
      entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
      Map<String, Long> out = new LinkedHashMap<>();
      entries.forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    }
  }
}
