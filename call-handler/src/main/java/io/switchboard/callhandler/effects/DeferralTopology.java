package io.switchboard.callhandler.effects;

import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallDeferred;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.SchemaRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Pairs each webhook the ingress answered with its holding response ({@code switchboard.deferrals})
 * with the TwiML the call-handler made for it ({@code switchboard.replies}), whichever comes first,
 * and asks for that TwiML to be applied: a call update for a call, an SMS for a message. A deferral
 * and its reply are in the same partition of the two topics. A reply with no deferral was answered
 * inline and asks for nothing: exactly one of the two takes effect.
 *
 * <p>Almost every reply is answered inline and never joined, so replies are not copied to Kafka:
 * <ul>
 *   <li>a deferral that finds no reply waits in {@value #WAITING_STORE}, a store with a changelog
 *       (deferrals are rare), until its reply comes or {@link #WINDOW} has passed;</li>
 *   <li>a reply that finds no deferral is kept for {@link #REPLY_HORIZON} in the task's memory, in
 *       arrival order (no store: nothing serialized per reply, and expiry stops at the first reply
 *       still young): a deferral is written within the reply budget and the ingress's
 *       acknowledgement timeout of its webhook, so a reply can only come first by that much;</li>
 *   <li>a task that starts (after a restart or a rebalance) has not seen the replies read before it:
 *       the first deferral within {@link #REPLY_HORIZON} of the task's first record that finds no
 *       reply has the task read its replies partition once ({@link ReplyLookup}), from the horizon
 *       before its first record to the partition's end, into the recent replies.</li>
 * </ul>
 * Entries older than their horizon are dropped as stream time passes. Matching is by event id with
 * the two records at most {@link #WINDOW} apart, as the windowed join this replaced.
 */
public final class DeferralTopology {

  /** How far apart a deferral and its reply may be; a later reply is too late for a live call. */
  static final Duration WINDOW = Duration.ofMinutes(2);
  /** How long a reply is kept for a deferral that may come after it. */
  static final Duration REPLY_HORIZON = Duration.ofSeconds(30);
  static final String WAITING_STORE = "deferrals-waiting";
  private static final Duration PURGE_EVERY = Duration.ofSeconds(5);

  private DeferralTopology() {}

  /** Reads a partition of the replies topic from a time to its current end. */
  @FunctionalInterface
  public interface ReplyLookup {
    void readSince(int partition, long fromTimestamp, FoundReply each);
  }

  /** A reply read by a {@link ReplyLookup}. */
  @FunctionalInterface
  public interface FoundReply {
    void found(String eventId, TwimlReply reply, long timestamp);
  }

  public record Config(SchemaRegistry registry, Clock clock, ReplyLookup lookup) {}

  public static Topology buildTopology(Config config) {
    SchemaRegistry registry = config.registry();
    Topology topology = new Topology();
    topology.addSource("deferrals", Topics.DEFERRALS.keySerde().deserializer(),
        Topics.DEFERRALS.valueSerde(registry).deserializer(), Topics.DEFERRALS.name());
    topology.addSource("replies", Topics.REPLIES.keySerde().deserializer(),
        Topics.REPLIES.valueSerde(registry).deserializer(), Topics.REPLIES.name());
    topology.addProcessor("deferral-join", () -> new Join(config), "deferrals", "replies");
    topology.addStateStore(Stores.timestampedKeyValueStoreBuilder(
        Stores.persistentTimestampedKeyValueStore(WAITING_STORE), Topics.DEFERRALS.keySerde(),
        Topics.DEFERRALS.valueSerde(registry)), "deferral-join");
    topology.addSink("side-effects", Topics.SIDE_EFFECTS.name(), Topics.SIDE_EFFECTS.keySerde().serializer(),
        Topics.SIDE_EFFECTS.valueSerde(registry).serializer(), "deferral-join");
    return topology;
  }

  /** The join: both topics' records, in the order Streams hands them over. */
  private static final class Join implements Processor<String, Object, String, SideEffect> {
    private final Config config;
    private ProcessorContext<String, SideEffect> context;
    private TimestampedKeyValueStore<String, CallDeferred> waiting;
    /** Replies with no deferral yet, in arrival order, for {@link #REPLY_HORIZON}. */
    private final LinkedHashMap<String, Recent> recent = new LinkedHashMap<>();
    /** The timestamp of this task's first record: replies before it may have been read by another. */
    private long firstRecord = -1;
    /** Whether the replies before this task's first record were read back. */
    private boolean caughtUp;

    Join(Config config) {
      this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, SideEffect> context) {
      this.context = context;
      this.waiting = context.getStateStore(WAITING_STORE);
      context.schedule(PURGE_EVERY, PunctuationType.STREAM_TIME, this::purge);
    }

    @Override
    public void process(Record<String, Object> record) {
      if (record.key() == null || record.value() == null) {
        return;
      }
      if (firstRecord < 0) {
        firstRecord = record.timestamp();
      }
      if (record.value() instanceof TwimlReply reply) {
        replied(record.key(), reply, record.timestamp());
      } else if (record.value() instanceof CallDeferred deferral) {
        deferred(record.key(), deferral, record.timestamp());
      }
    }

    private void replied(String eventId, TwimlReply reply, long timestamp) {
      ValueAndTimestamp<CallDeferred> deferral = waiting.get(eventId);
      if (deferral != null && within(deferral.timestamp(), timestamp)) {
        emit(deferral.value(), reply, timestamp);
        waiting.delete(eventId);
      } else {
        recent.put(eventId, new Recent(reply, timestamp));
      }
    }

    private void deferred(String eventId, CallDeferred deferral, long timestamp) {
      Recent reply = recent.get(eventId);
      if (reply == null && !caughtUp && timestamp < firstRecord + REPLY_HORIZON.toMillis()
          && context.recordMetadata().isPresent()) {
        caughtUp = true;
        config.lookup().readSince(context.recordMetadata().get().partition(), firstRecord - REPLY_HORIZON.toMillis(),
            (id, earlier, at) -> recent.putIfAbsent(id, new Recent(earlier, at)));
        reply = recent.get(eventId);
      }
      if (reply != null && within(reply.timestamp(), timestamp)) {
        emit(deferral, reply.reply(), timestamp);
        recent.remove(eventId);
        return;
      }
      waiting.put(eventId, ValueAndTimestamp.make(deferral, timestamp));
    }

    private static boolean within(long a, long b) {
      return Math.abs(a - b) <= WINDOW.toMillis();
    }

    private void emit(CallDeferred deferral, TwimlReply reply, long timestamp) {
      SideEffect effect = effect(deferral, reply, config.clock());
      if (effect != null) {
        context.forward(new Record<>(effect.getEffectId(), effect, timestamp));
      }
    }

    private void purge(long streamTime) {
      long repliesBefore = streamTime - REPLY_HORIZON.toMillis();
      for (Iterator<Recent> oldest = recent.values().iterator(); oldest.hasNext(); ) {
        if (oldest.next().timestamp() >= repliesBefore) {
          break;
        }
        oldest.remove();
      }
      // Deferrals waiting are few: a scan of the store is cheap.
      List<String> expired = new ArrayList<>();
      try (KeyValueIterator<String, ValueAndTimestamp<CallDeferred>> all = waiting.all()) {
        while (all.hasNext()) {
          KeyValue<String, ValueAndTimestamp<CallDeferred>> entry = all.next();
          if (entry.value.timestamp() < streamTime - WINDOW.toMillis()) {
            expired.add(entry.key);
          }
        }
      }
      expired.forEach(waiting::delete);
    }
  }

  private record Recent(TwimlReply reply, long timestamp) {}

  /** The side effect that applies a deferred answer, or null when there is nothing to apply. */
  static SideEffect effect(CallDeferred deferral, TwimlReply reply, Clock clock) {
    if (deferral.getCompanyId() == null) {
      return null;
    }
    if (deferral.getKind() == WebhookKind.SMS) {
      if (reply.getSmsReplyBody() == null || deferral.getFrom() == null || deferral.getTenantNumber() == null) {
        return null;
      }
      return base(SideEffectKind.SEND_SMS, deferral, clock)
          .setTo(deferral.getFrom())
          .setFrom(deferral.getTenantNumber())
          .setBody(reply.getSmsReplyBody())
          .build();
    }
    if (deferral.getCallSid() == null) {
      return null;
    }
    return base(SideEffectKind.CALL_UPDATE, deferral, clock)
        .setCallSid(deferral.getCallSid())
        .setTwiml(reply.getTwiml())
        .build();
  }

  private static SideEffect.Builder base(SideEffectKind kind, CallDeferred deferral, Clock clock) {
    return SideEffect.newBuilder()
        .setEffectId(kind + ":" + deferral.getEventId())
        .setKind(kind)
        .setEventId(deferral.getEventId())
        .setCompanyId(deferral.getCompanyId())
        .setRequestedAt(clock.instant());
  }
}
