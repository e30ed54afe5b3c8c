package io.switchboard.bench;

import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.kafka.TopicScan;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Checks that every call answered 2xx is on {@code twilio.webhooks} and has its call events on
 * {@code calls.events}: CALL_ROUTED (or CALL_UNROUTABLE) from the call-handler and the ingress's record of how it was
 * answered (CALL_ANSWERED_INLINE or CALL_DEFERRED). Reads both topics as an outside consumer would,
 * and reads again for a while when something is missing, since call events are written after the answer.
 */
public final class LossCheck implements AutoCloseable {

  /** What the topics hold for the calls answered 2xx. */
  public record Report(long answered, long onWebhooks, long duplicatesOnWebhooks, long withCallEvents,
      long missingWebhook, long missingCallEvents, List<String> sampleMissing) {

    public boolean lossless() {
      return missingWebhook == 0 && missingCallEvents == 0;
    }
  }

  private static final int ROUTED = 1;
  private static final int ANSWERED = 2;

  private final KafkaConsumer<String, WebhookReceived> webhooks;
  private final KafkaConsumer<String, CallEvent> events;
  private final Map<String, Integer> webhookCopies = new HashMap<>();
  private final Map<String, Integer> eventFlags = new HashMap<>();
  private boolean positioned;

  public LossCheck(KafkaClients clients) {
    this.webhooks = clients.consumer(Topics.WEBHOOKS, null, "bench-loss-check-webhooks");
    this.events = clients.consumer(Topics.CALL_EVENTS, null, "bench-loss-check-events");
  }

  /** Reads what is new on both topics, then checks the calls; reads again until nothing is missing or time is up. */
  public Report check(Set<String> answered, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    Report report;
    while (true) {
      readNew();
      report = compare(answered);
      if (report.lossless() || System.nanoTime() > deadline) {
        return report;
      }
      Thread.sleep(500);
    }
  }

  private void readNew() {
    boolean fromStart = !positioned;
    positioned = true;
    readNew(webhooks, Topics.WEBHOOKS.name(), fromStart, event -> {
      if (event.getKind() == WebhookKind.VOICE && event.getCallSid() != null) {
        webhookCopies.merge(event.getCallSid(), 1, Integer::sum);
      }
    });
    readNew(events, Topics.CALL_EVENTS.name(), fromStart, event -> {
      if (event.getCallSid() == null) {
        return;
      }
      CallEventType type = event.getType();
      // The call-handler's decision: routed to the company, or not routable (then answered "not configured").
      int flag = type == CallEventType.CALL_ROUTED || type == CallEventType.CALL_UNROUTABLE ? ROUTED
          : type == CallEventType.CALL_ANSWERED_INLINE || type == CallEventType.CALL_DEFERRED ? ANSWERED : 0;
      if (flag != 0) {
        eventFlags.merge(event.getCallSid(), flag, (a, b) -> a | b);
      }
    });
  }

  /** Reads what the topic gained since the last read (from its start the first time). */
  private static <V> void readNew(KafkaConsumer<String, V> consumer, String topic, boolean fromStart,
      Consumer<V> each) {
    TopicScan.readToEnd(consumer, List.of(topic), partitions -> {
      if (fromStart) {
        consumer.seekToBeginning(partitions);
      }
    }, record -> {
      if (record.value() != null) {
        each.accept(record.value());
      }
    });
  }

  private Report compare(Set<String> answered) {
    long onWebhooks = 0;
    long duplicates = 0;
    long withEvents = 0;
    List<String> samples = new ArrayList<>();
    for (String callSid : answered) {
      int copies = webhookCopies.getOrDefault(callSid, 0);
      if (copies > 0) {
        onWebhooks++;
        duplicates += copies - 1;
      } else if (samples.size() < 5) {
        samples.add(callSid + " not on " + Topics.WEBHOOKS.name());
      }
      if (eventFlags.getOrDefault(callSid, 0) == (ROUTED | ANSWERED)) {
        withEvents++;
      } else if (samples.size() < 5) {
        samples.add(callSid + " without its call events (flags " + eventFlags.getOrDefault(callSid, 0) + ")");
      }
    }
    return new Report(answered.size(), onWebhooks, duplicates, withEvents, answered.size() - onWebhooks,
        answered.size() - withEvents, samples);
  }

  @Override
  public void close() {
    webhooks.close();
    events.close();
  }
}
