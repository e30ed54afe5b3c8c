package io.switchboard.callhandler;

import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import java.time.Instant;
import java.util.ArrayList;
import io.switchboard.domain.twilio.FormFields;
import java.util.List;

/** The facts the call-handler adds to a company's call archive for one webhook. */
public final class CallEvents {

  private CallEvents() {}

  public static List<CallEvent> forResolved(ResolvedWebhook resolved, Answer answer, Instant now) {
    WebhookReceived event = resolved.getEvent();
    String companyId = resolved.getRoute().getCompanyId();
    List<CallEvent> events = new ArrayList<>();
    CallEvent.Builder fact = base(event, now).setCompanyId(companyId);
    switch (event.getKind()) {
      case VOICE -> events.add(fact.setType(CallEventType.CALL_ROUTED)
          .setRoutingMode(answer != null && answer.routingMode() != null ? answer.routingMode()
              : resolved.getRoute().getRoutingMode())
          .setRoutingRule(answer == null ? null : answer.routingRule()).build());
      case SMS -> events.add(fact.setType(CallEventType.SMS_RECEIVED).build());
      case CALL_STATUS -> {
        String status = FormFields.first(event.getParams(), "CallStatus");
        fact.setCallStatus(status);
        if ("completed".equals(status)) {
          events.add(fact.setType(CallEventType.CALL_COMPLETED)
              .setDurationSeconds(integer(FormFields.first(event.getParams(), "CallDuration"))).build());
        } else {
          events.add(fact.setType(CallEventType.CALL_STATUS_CHANGED).build());
        }
      }
      case RECORDING_STATUS -> {
        if ("completed".equals(FormFields.first(event.getParams(), "RecordingStatus"))) {
          events.add(fact.setType(CallEventType.RECORDING_AVAILABLE)
              .setRecordingSid(FormFields.first(event.getParams(), "RecordingSid"))
              .setRecordingUrl(FormFields.first(event.getParams(), "RecordingUrl"))
              .setDurationSeconds(integer(FormFields.first(event.getParams(), "RecordingDuration"))).build());
        }
      }
      case TRANSCRIPTION -> events.add(fact.setType(CallEventType.TRANSCRIPTION_AVAILABLE)
          .setRecordingSid(FormFields.first(event.getParams(), "RecordingSid"))
          .setTranscriptionText(FormFields.first(event.getParams(), "TranscriptionText")).build());
      default -> {
        // Dial actions are recorded through the call's status and recording callbacks.
      }
    }
    if (answer != null) {
      for (String warning : answer.warnings()) {
        events.add(base(event, now).setType(CallEventType.CONFIG_WARNING).setCompanyId(companyId).setReason(warning)
            .build());
      }
    }
    return events;
  }

  /** The fact for an unroutable webhook, or null for one rejected at the edge (forged, malformed). */
  public static CallEvent forUnroutable(UnroutableWebhook unroutable, Instant now) {
    return base(unroutable.getEvent(), now)
        .setType(CallEventType.CALL_UNROUTABLE)
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

  private static CallEvent.Builder base(WebhookReceived event, Instant now) {
    return CallEvent.newBuilder()
        .setEventId(event.getEventId())
        .setType(CallEventType.UNKNOWN)
        .setCallSid(event.getCallSid())
        .setMessageSid(event.getMessageSid())
        .setTenantNumber(event.getTenantNumber())
        .setFrom(FormFields.first(event.getParams(), "From"))
        .setTo(FormFields.first(event.getParams(), "To"))
        .setOccurredAt(now)
        .setReplay(event.getReplay());
  }

  private static Integer integer(String value) {
    try {
      return value == null ? null : Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

}
