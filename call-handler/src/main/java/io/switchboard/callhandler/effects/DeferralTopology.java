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
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;

/**
 * Pairs each webhook the ingress answered with its holding response ({@code switchboard.deferrals})
 * with the TwiML the call-handler made for it ({@code switchboard.replies}), whichever comes first,
 * and asks for that TwiML to be applied: a call update for a call, an SMS for a message. Both topics
 * are keyed by event id with the same partition count, so the join needs no repartition. A reply
 * with no deferral was answered inline and asks for nothing: exactly one of the two takes effect.
 */
public final class DeferralTopology {

  /** How far apart a deferral and its reply may be; a later reply is too late for a live call. */
  static final Duration WINDOW = Duration.ofMinutes(2);

  private DeferralTopology() {}

  public record Config(SchemaRegistry registry, Clock clock) {}

  public static Topology buildTopology(Config config) {
    StreamsBuilder builder = new StreamsBuilder();
    var deferrals = builder.stream(Topics.DEFERRALS.name(),
        Consumed.with(Topics.DEFERRALS.keySerde(), Topics.DEFERRALS.valueSerde(config.registry())));
    var replies = builder.stream(Topics.REPLIES.name(),
        Consumed.with(Topics.REPLIES.keySerde(), Topics.REPLIES.valueSerde(config.registry())));
    deferrals
        .join(replies, (deferral, reply) -> effect(deferral, reply, config.clock()),
            JoinWindows.ofTimeDifferenceAndGrace(WINDOW, Duration.ofSeconds(30)),
            StreamJoined.with(Topics.DEFERRALS.keySerde(), Topics.DEFERRALS.valueSerde(config.registry()),
                Topics.REPLIES.valueSerde(config.registry())).withStoreName("deferral-join"))
        .filter((eventId, effect) -> effect != null)
        .map((eventId, effect) -> KeyValue.pair(effect.getEffectId(), effect))
        .to(Topics.SIDE_EFFECTS.name(),
            Produced.with(Topics.SIDE_EFFECTS.keySerde(), Topics.SIDE_EFFECTS.valueSerde(config.registry())));
    return builder.build();
  }

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
