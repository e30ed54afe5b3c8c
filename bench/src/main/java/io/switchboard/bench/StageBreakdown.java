package io.switchboard.bench;

import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.kafka.TopicScan;
import io.switchboard.schemas.kafka.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Where a webhook's time goes on the inline path, read back from the topics afterwards: from the
 * ingress receiving it to the resolver resolving it ({@code receivedAt} → {@code resolvedAt}), and
 * from there to the call-handler producing its TwiML ({@code resolvedAt} → {@code producedAt}).
 * The rest of a webhook's latency is the reply's last hop back to the ingress and the HTTP exchange.
 * Millisecond resolution, as the events carry it.
 */
public final class StageBreakdown {

  /** Milliseconds per stage. */
  public record Stages(Histogram toResolver, Histogram toTwiml) {}

  /** One webhook's times, in epoch milliseconds. */
  private record Times(long received, long resolved, long replied) {}

  private final List<Times> webhooks = new ArrayList<>();

  private StageBreakdown() {}

  /** Reads every webhook's stage times from the topics. */
  public static StageBreakdown read(KafkaClients clients) {
    Map<String, long[]> resolved = new HashMap<>();
    try (KafkaConsumer<String, ResolvedWebhook> consumer =
             clients.consumer(Topics.WEBHOOKS_RESOLVED, null, "bench-stages-resolved")) {
      TopicScan.readToEnd(consumer, List.of(Topics.WEBHOOKS_RESOLVED.name()), record -> {
        ResolvedWebhook value = record.value();
        if (value != null && !value.getEvent().getReplay()) {
          resolved.put(value.getEvent().getEventId(), new long[] {value.getEvent().getReceivedAt().toEpochMilli(),
              value.getResolvedAt().toEpochMilli()});
        }
      });
    }
    StageBreakdown breakdown = new StageBreakdown();
    try (KafkaConsumer<String, TwimlReply> consumer = clients.consumer(Topics.REPLIES, null, "bench-stages-replies")) {
      TopicScan.readToEnd(consumer, List.of(Topics.REPLIES.name()), record -> {
        long[] times = record.value() == null ? null : resolved.get(record.value().getEventId());
        if (times != null) {
          breakdown.webhooks.add(new Times(times[0], times[1], record.value().getProducedAt().toEpochMilli()));
        }
      });
    }
    return breakdown;
  }

  /** The stages of the webhooks received between the two instants (epoch milliseconds). */
  public Stages between(long fromMillis, long toMillis) {
    Histogram toResolver = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
    Histogram toTwiml = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
    for (Times times : webhooks) {
      if (times.received() >= fromMillis && times.received() <= toMillis) {
        toResolver.recordValue(Math.max(0, times.resolved() - times.received()));
        toTwiml.recordValue(Math.max(0, times.replied() - times.resolved()));
      }
    }
    return new Stages(toResolver, toTwiml);
  }
}
