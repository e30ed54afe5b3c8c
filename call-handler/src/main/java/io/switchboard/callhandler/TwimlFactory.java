package io.switchboard.callhandler;

import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.messaging.Message;
import com.twilio.twiml.voice.Connect;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Parameter;
import com.twilio.twiml.voice.Record;
import com.twilio.twiml.voice.Say;
import com.twilio.twiml.voice.Stream;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the TwiML a caller hears, with the Twilio SDK's builders, from the company's routing mode:
 * <ul>
 *   <li>{@code ai-agent}: {@code <Connect><Stream>} to the company's agent WebSocket with the company
 *       id, call SID, voice and greeting as stream parameters;</li>
 *   <li>{@code voicemail}: the company's greeting, then {@code <Record>};</li>
 *   <li>{@code forward}: {@code <Dial>} to the forward number, the whisper played to the callee by a
 *       {@code <Number url>}, the call recorded when recordingEnabled; the caller's own number is
 *       shown to the callee (Dial's default), and when nobody answers the caller falls through to
 *       voicemail.</li>
 * </ul>
 * A company whose mode lacks what it needs (forward without a number, ai-agent without an
 * endpoint) gets voicemail and a warning: never an error tone.
 */
public final class TwimlFactory {

  static final String DEFAULT_GREETING =
      "The person you are calling is not available. Please leave a message after the tone.";
  static final String NOT_CONFIGURED = "We're sorry, this number is not configured. Goodbye.";
  static final String CANNOT_CONNECT = "We're sorry, this call cannot be connected. Goodbye.";
  static final int FORWARD_RING_SECONDS = 20;
  static final int VOICEMAIL_MAX_SECONDS = 120;

  private final CallbackUrls callbacks;

  public TwimlFactory(CallbackUrls callbacks) {
    this.callbacks = callbacks;
  }

  public Answer answer(ResolvedWebhook resolved) {
    WebhookReceived event = resolved.getEvent();
    if (event.getKind() == WebhookKind.SMS) {
      return Answer.of(smsReply(resolved.getRoute().getSmsReply()));
    }
    RoutingSnapshot route = resolved.getRoute();
    List<String> warnings = new ArrayList<>();
    VoiceResponse response = switch (effectiveMode(route, warnings)) {
      case AI_AGENT -> aiAgent(route, event);
      case FORWARD -> forward(route, event);
      default -> voicemail(route);
    };
    return new Answer(response.toXml(), warnings);
  }

  /** TwiML for a webhook no company may handle; null when nobody waits for an answer (rejected at the edge). */
  public Answer answer(UnroutableWebhook unroutable) {
    if (unroutable.getReason() == UnroutableReason.SIGNATURE_INVALID) {
      return null;
    }
    if (unroutable.getEvent().getKind() == WebhookKind.SMS) {
      return Answer.of(new MessagingResponse.Builder().build().toXml());
    }
    String text = switch (unroutable.getReason()) {
      case NO_COMPANY, NUMBER_INACTIVE, NOT_A_PHONE_NUMBER -> NOT_CONFIGURED;
      default -> CANNOT_CONNECT;
    };
    return Answer.of(new VoiceResponse.Builder()
        .say(new Say.Builder(text).build())
        .hangup(new Hangup.Builder().build())
        .build().toXml());
  }

  private static RoutingMode effectiveMode(RoutingSnapshot route, List<String> warnings) {
    RoutingMode mode = route.getRoutingMode();
    if (mode == RoutingMode.FORWARD && blank(route.getForwardNumber())) {
      warnings.add("routing mode forward has no forwardNumber; calls go to voicemail");
      return RoutingMode.VOICEMAIL;
    }
    if (mode == RoutingMode.AI_AGENT && blank(route.getAiAgentUrl())) {
      warnings.add("routing mode ai-agent has no agent endpoint; calls go to voicemail");
      return RoutingMode.VOICEMAIL;
    }
    return mode == RoutingMode.UNKNOWN ? RoutingMode.VOICEMAIL : mode;
  }

  private VoiceResponse aiAgent(RoutingSnapshot route, WebhookReceived event) {
    Stream.Builder stream = new Stream.Builder().url(route.getAiAgentUrl())
        .parameter(parameter("companyId", route.getCompanyId()))
        .parameter(parameter("callSid", event.getCallSid()));
    if (!blank(route.getVoiceId())) {
      stream.parameter(parameter("voiceId", route.getVoiceId()));
    }
    if (!blank(route.getGreeting())) {
      stream.parameter(parameter("greeting", route.getGreeting()));
    }
    return new VoiceResponse.Builder().connect(new Connect.Builder().stream(stream.build()).build()).build();
  }

  private VoiceResponse forward(RoutingSnapshot route, WebhookReceived event) {
    Number.Builder number = new Number.Builder(route.getForwardNumber());
    if (!blank(route.getWhisperMessage())) {
      number.url(callbacks.whisper(route.getCompanyId(), event.getEventId()));
    }
    Dial.Builder dial = new Dial.Builder().timeout(FORWARD_RING_SECONDS).number(number.build());
    if (route.getRecordingEnabled()) {
      dial.record(Dial.Record.RECORD_FROM_ANSWER_DUAL);
    }
    return new VoiceResponse.Builder()
        .dial(dial.build())
        .say(new Say.Builder(greeting(route)).build())
        .record(voicemailRecord())
        .build();
  }

  private static VoiceResponse voicemail(RoutingSnapshot route) {
    return new VoiceResponse.Builder()
        .say(new Say.Builder(greeting(route)).build())
        .record(voicemailRecord())
        .build();
  }

  private static Record voicemailRecord() {
    return new Record.Builder().maxLength(VOICEMAIL_MAX_SECONDS).playBeep(true).build();
  }

  private static String greeting(RoutingSnapshot route) {
    return blank(route.getGreeting()) ? DEFAULT_GREETING : route.getGreeting();
  }

  private static String smsReply(String reply) {
    MessagingResponse.Builder response = new MessagingResponse.Builder();
    if (!blank(reply)) {
      response.message(new Message.Builder(reply).build());
    }
    return response.build().toXml();
  }

  private static Parameter parameter(String name, String value) {
    return new Parameter.Builder().name(name).value(value == null ? "" : value).build();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
