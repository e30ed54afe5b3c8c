package io.switchboard.callhandler;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xmlunit.assertj3.XmlAssert;

class TwimlFactoryTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final TwimlFactory factory = new TwimlFactory(new CallbackUrls("https://sb.example.com/"));

  private static final String CALLBACK = "companyId=acme&amp;eventId=ev-1";

  @Test
  void shouldDialTheForwardNumberWithWhisperRecordingAndADialAction() {
    RoutingSnapshot route = route(RoutingMode.FORWARD).setForwardNumber("+15559876543").setRecordingEnabled(true)
        .setWhisperMessage("Call for Acme").build();

    Answer answer = factory.answer(resolved(route, WebhookKind.VOICE));

    assertXml(answer.twiml(), """
        <Response>
          <Dial action="https://sb.example.com/api/twilio/dial-action?%1$s" record="record-from-answer-dual"
                recordingStatusCallback="https://sb.example.com/api/twilio/recording?%1$s" timeout="20">
            <Number url="https://sb.example.com/api/twilio/whisper?%1$s">+15559876543</Number>
          </Dial>
        </Response>""".formatted(CALLBACK));
    assertThat(answer.warnings()).isEmpty();
  }

  @Test
  void shouldForwardWithoutWhisperOrRecordingWhenNeitherIsConfigured() {
    RoutingSnapshot route = route(RoutingMode.FORWARD).setForwardNumber("+15559876543").build();

    assertXml(factory.answer(resolved(route, WebhookKind.VOICE)).twiml(), """
        <Response>
          <Dial action="https://sb.example.com/api/twilio/dial-action?%s" timeout="20"><Number>+15559876543</Number></Dial>
        </Response>""".formatted(CALLBACK));
  }

  @Test
  void shouldSendAnUnansweredForwardToVoicemail() {
    RoutingSnapshot route = route(RoutingMode.FORWARD).setForwardNumber("+15559876543").setRecordingEnabled(true)
        .setGreeting("Acme is busy").build();

    Answer answer = factory.answer(dialAction(route, "no-answer"));

    assertXml(answer.twiml(), """
        <Response>
          <Say>Acme is busy</Say>
          <Record maxLength="120" playBeep="true" recordingStatusCallback="https://sb.example.com/api/twilio/recording?companyId=acme&amp;eventId=ev-0"/>
        </Response>""");
  }

  @Test
  void shouldHangUpWhenTheForwardedCallWasAnswered() {
    RoutingSnapshot route = route(RoutingMode.FORWARD).setForwardNumber("+15559876543").setRecordingEnabled(true).build();

    assertXml(factory.answer(dialAction(route, "completed")).twiml(), "<Response><Hangup/></Response>");
  }

  @Test
  void shouldFallBackToVoicemailWithAWarningWhenForwardHasNoNumber() {
    Answer answer = factory.answer(resolved(route(RoutingMode.FORWARD).setRecordingEnabled(true).build(),
        WebhookKind.VOICE));

    assertXml(answer.twiml(), """
        <Response>
          <Say>The person you are calling is not available. Please leave a message after the tone.</Say>
          <Record maxLength="120" playBeep="true" recordingStatusCallback="https://sb.example.com/api/twilio/recording?%s"/>
        </Response>""".formatted(CALLBACK));
    assertThat(answer.warnings()).containsExactly("routing mode forward has no forwardNumber; calls go to voicemail");
  }

  @Test
  void shouldConnectTheCallToTheCompanysAgentWithItsVoiceSettings() {
    RoutingSnapshot route = route(RoutingMode.AI_AGENT).setAiAgentUrl("wss://agent.example.com/acme")
        .setVoiceId("voice-123").setGreeting("Hi, this is Acme").build();

    assertXml(factory.answer(resolved(route, WebhookKind.VOICE)).twiml(), """
        <Response>
          <Connect>
            <Stream url="wss://agent.example.com/acme">
              <Parameter name="companyId" value="acme"/>
              <Parameter name="callSid" value="CA1"/>
              <Parameter name="voiceId" value="voice-123"/>
              <Parameter name="greeting" value="Hi, this is Acme"/>
            </Stream>
          </Connect>
        </Response>""");
  }

  @Test
  void shouldFallBackToVoicemailWithAWarningWhenTheAgentHasNoEndpoint() {
    Answer answer = factory.answer(resolved(route(RoutingMode.AI_AGENT).setRecordingEnabled(true).build(),
        WebhookKind.VOICE));

    assertThat(answer.twiml()).contains("<Record");
    assertThat(answer.warnings()).containsExactly("routing mode ai-agent has no agent endpoint; calls go to voicemail");
  }

  @Test
  void shouldPlayTheGreetingThenRecordWithTranscriptionWhenEnabled() {
    RoutingSnapshot route = route(RoutingMode.VOICEMAIL).setGreeting("Acme is closed").setRecordingEnabled(true)
        .setTranscriptionEnabled(true).build();

    assertXml(factory.answer(resolved(route, WebhookKind.VOICE)).twiml(), """
        <Response>
          <Say>Acme is closed</Say>
          <Record maxLength="120" playBeep="true" recordingStatusCallback="https://sb.example.com/api/twilio/recording?%1$s"
                  transcribe="true" transcribeCallback="https://sb.example.com/api/twilio/transcription?%1$s"/>
        </Response>""".formatted(CALLBACK));
  }

  @Test
  void shouldNeverRecordACompanyThatTurnedRecordingOff() {
    Answer answer = factory.answer(resolved(route(RoutingMode.VOICEMAIL).build(), WebhookKind.VOICE));

    assertXml(answer.twiml(), """
        <Response>
          <Say>The person you are calling is not available. Please call again later.</Say>
          <Hangup/>
        </Response>""");
    assertThat(answer.warnings()).containsExactly("voicemail with recording disabled: callers cannot leave a message");
  }

  @Test
  void shouldNotAnswerStatusCallbacks() {
    assertThat(factory.answer(resolved(route(RoutingMode.VOICEMAIL).build(), WebhookKind.CALL_STATUS))).isNull();
  }

  @Test
  void shouldReplyToAnIncomingSmsWithTheConfiguredReply() {
    RoutingSnapshot route = route(RoutingMode.FORWARD).setSmsReply("Thanks, we will call you back").build();

    assertXml(factory.answer(resolved(route, WebhookKind.SMS)).twiml(),
        "<Response><Message>Thanks, we will call you back</Message></Response>");
  }

  @Test
  void shouldAnswerAnIncomingSmsWithNothingWhenNoReplyIsConfigured() {
    assertXml(factory.answer(resolved(route(RoutingMode.FORWARD).build(), WebhookKind.SMS)).twiml(), "<Response/>");
  }

  @Test
  void shouldSayTheNumberIsNotConfiguredWhenNoCompanyOwnsIt() {
    assertXml(factory.answer(unroutable(UnroutableReason.NO_COMPANY, WebhookKind.VOICE)).twiml(), """
        <Response><Say>We're sorry, this number is not configured. Goodbye.</Say><Hangup/></Response>""");
  }

  @Test
  void shouldSayTheCallCannotBeConnectedOnAnAccountMismatch() {
    assertXml(factory.answer(unroutable(UnroutableReason.ACCOUNT_MISMATCH, WebhookKind.VOICE)).twiml(), """
        <Response><Say>We're sorry, this call cannot be connected. Goodbye.</Say><Hangup/></Response>""");
  }

  @Test
  void shouldNotAnswerWebhooksRejectedAtTheEdge() {
    assertThat(factory.answer(unroutable(UnroutableReason.SIGNATURE_INVALID, WebhookKind.VOICE))).isNull();
  }

  private static void assertXml(String actual, String expected) {
    XmlAssert.assertThat(actual).and(expected).ignoreWhitespace().areIdentical();
  }

  private static RoutingSnapshot.Builder route(RoutingMode mode) {
    return RoutingSnapshot.newBuilder().setCompanyId("acme").setAccountSid("AC" + "a".repeat(32)).setRoutingMode(mode);
  }

  private static WebhookReceived event(WebhookKind kind) {
    return WebhookReceived.newBuilder()
        .setEventId("ev-1")
        .setKind(kind)
        .setTenantNumber("+15551230001")
        .setCallSid(kind != WebhookKind.SMS ? "CA1" : null)
        .setMessageSid(kind == WebhookKind.SMS ? "SM1" : null)
        .setRequestUrl("https://sb.example.com/api/twilio/voice")
        .setParams(Map.of("To", List.of("+15551230001")))
        .setSignatureOutcome(SignatureOutcome.VALID)
        .setReceivedAt(T0)
        .build();
  }

  private static ResolvedWebhook dialAction(RoutingSnapshot route, String dialCallStatus) {
    WebhookReceived event = WebhookReceived.newBuilder(event(WebhookKind.DIAL_ACTION))
        .setEventId("ev-2").setParentEventId("ev-0")
        .setParams(Map.of("DialCallStatus", List.of(dialCallStatus))).build();
    return ResolvedWebhook.newBuilder().setEvent(event).setRoute(route).setNumberSource(NumberSource.PHONE_NUMBERS)
        .setResolvedAt(T0).build();
  }

  private static ResolvedWebhook resolved(RoutingSnapshot route, WebhookKind kind) {
    return ResolvedWebhook.newBuilder().setEvent(event(kind)).setRoute(route).setNumberSource(NumberSource.PHONE_NUMBERS)
        .setResolvedAt(T0).build();
  }

  private static UnroutableWebhook unroutable(UnroutableReason reason, WebhookKind kind) {
    return UnroutableWebhook.newBuilder().setEvent(event(kind)).setReason(reason).setDetail("detail").setDecidedAt(T0)
        .build();
  }
}
