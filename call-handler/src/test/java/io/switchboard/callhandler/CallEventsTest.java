package io.switchboard.callhandler;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallEventsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void shouldRecordACompletedCallWithItsDuration() {
    List<CallEvent> events = CallEvents.forResolved(callback(WebhookKind.CALL_STATUS,
        Map.of("CallStatus", List.of("completed"), "CallDuration", List.of("42"))), null, T0);

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(CallEventType.CALL_COMPLETED);
      assertThat(e.getDurationSeconds()).isEqualTo(42);
      assertThat(e.getCallStatus()).isEqualTo("completed");
      assertThat(e.getCompanyId()).isEqualTo("acme");
    });
  }

  @Test
  void shouldRecordOtherStatusChanges() {
    List<CallEvent> events = CallEvents.forResolved(callback(WebhookKind.CALL_STATUS,
        Map.of("CallStatus", List.of("in-progress"))), null, T0);

    assertThat(events).extracting(CallEvent::getType).containsExactly(CallEventType.CALL_STATUS_CHANGED);
  }

  @Test
  void shouldRecordAnAvailableRecording() {
    List<CallEvent> events = CallEvents.forResolved(callback(WebhookKind.RECORDING_STATUS, Map.of(
        "RecordingStatus", List.of("completed"), "RecordingSid", List.of("RE1"),
        "RecordingUrl", List.of("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"),
        "RecordingDuration", List.of("17"))), null, T0);

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(CallEventType.RECORDING_AVAILABLE);
      assertThat(e.getRecordingSid()).isEqualTo("RE1");
      assertThat(e.getRecordingUrl()).endsWith("/Recordings/RE1");
      assertThat(e.getDurationSeconds()).isEqualTo(17);
    });
  }

  @Test
  void shouldIgnoreARecordingThatIsNotYetComplete() {
    assertThat(CallEvents.forResolved(callback(WebhookKind.RECORDING_STATUS,
        Map.of("RecordingStatus", List.of("in-progress"))), null, T0)).isEmpty();
  }

  @Test
  void shouldRecordATranscription() {
    List<CallEvent> events = CallEvents.forResolved(callback(WebhookKind.TRANSCRIPTION, Map.of(
        "RecordingSid", List.of("RE1"), "TranscriptionText", List.of("Please call me back"))), null, T0);

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(CallEventType.TRANSCRIPTION_AVAILABLE);
      assertThat(e.getTranscriptionText()).isEqualTo("Please call me back");
    });
  }

  @Test
  void shouldRecordARoutedCallAndEachConfigWarning() {
    ResolvedWebhook call = callback(WebhookKind.VOICE, Map.of("From", List.of("+15557654321")));

    List<CallEvent> events = CallEvents.forResolved(call, new Answer("<Response/>", List.of("no forward number")), T0);

    assertThat(events).extracting(CallEvent::getType)
        .containsExactly(CallEventType.CALL_ROUTED, CallEventType.CONFIG_WARNING);
    assertThat(events.get(0).getRoutingMode()).isEqualTo(RoutingMode.VOICEMAIL);
    assertThat(events.get(0).getFrom()).isEqualTo("+15557654321");
    assertThat(events.get(1).getReason()).isEqualTo("no forward number");
  }

  private static ResolvedWebhook callback(WebhookKind kind, Map<String, List<String>> params) {
    WebhookReceived event = WebhookReceived.newBuilder()
        .setEventId("ev-1").setKind(kind).setTenantNumber("+15551230001").setCallSid("CA1")
        .setRequestUrl("https://sb.example.com/x").setParams(params).setSignatureOutcome(SignatureOutcome.VALID)
        .setCompanyId("acme").setReceivedAt(T0).build();
    return ResolvedWebhook.newBuilder().setEvent(event)
        .setRoute(RoutingSnapshot.newBuilder().setCompanyId("acme").setRoutingMode(RoutingMode.VOICEMAIL).build())
        .setNumberSource(NumberSource.PHONE_NUMBERS).setResolvedAt(T0).build();
  }
}
