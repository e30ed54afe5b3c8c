package io.switchboard.callhandler;

import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The facts the call-handler adds to a company's call archive for one webhook. */
public final class CallEvents {

  private CallEvents() {}

  public static List<CallEvent> forResolved(ResolvedWebhook resolved, Answer answer, Instant now) {
    WebhookReceived event = resolved.getEvent();
    List<CallEvent> events = new ArrayList<>();
    CallEventType type = event.getKind() == WebhookKind.SMS ? CallEventType.SMS_RECEIVED : CallEventType.CALL_ROUTED;
    events.add(base(event, type, now)
        .setCompanyId(resolved.getRoute().getCompanyId())
        .setRoutingMode(resolved.getRoute().getRoutingMode())
        .build());
    for (String warning : answer.warnings()) {
      events.add(base(event, CallEventType.CONFIG_WARNING, now)
          .setCompanyId(resolved.getRoute().getCompanyId())
          .setReason(warning)
          .build());
    }
    return events;
  }

  public static CallEvent forUnroutable(UnroutableWebhook unroutable, Instant now) {
    return base(unroutable.getEvent(), CallEventType.CALL_UNROUTABLE, now)
        .setCompanyId(unroutable.getCompanyIds().isEmpty() ? null : unroutable.getCompanyIds().get(0))
        .setReason(unroutable.getReason() + ": " + unroutable.getDetail())
        .build();
  }

  /** Key of a call event: the call or message SID, else the event id. */
  public static String key(CallEvent event) {
    if (event.getCallSid() != null) {
      return event.getCallSid();
    }
    return event.getMessageSid() != null ? event.getMessageSid() : event.getEventId();
  }

  private static CallEvent.Builder base(WebhookReceived event, CallEventType type, Instant now) {
    return CallEvent.newBuilder()
        .setEventId(event.getEventId())
        .setType(type)
        .setCallSid(event.getCallSid())
        .setMessageSid(event.getMessageSid())
        .setTenantNumber(event.getTenantNumber())
        .setFrom(first(event.getParams(), "From"))
        .setTo(first(event.getParams(), "To"))
        .setOccurredAt(now)
        .setReplay(event.getReplay());
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
