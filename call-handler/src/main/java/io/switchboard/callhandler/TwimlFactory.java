package io.switchboard.callhandler;

import io.switchboard.domain.routing.CallRouting;
import io.switchboard.domain.routing.SmsKeywords;
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
import io.switchboard.domain.twilio.FormFields;
import io.switchboard.domain.twilio.TwimlXml;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the TwiML a caller hears, with the Twilio SDK's builders, from the company's routing mode:
 * <ul>
 *   <li>{@code ai-agent}: {@code <Connect><Stream>} to the company's agent WebSocket with the company
 *       id, call SID, voice and greeting as stream parameters;</li>
 *   <li>{@code voicemail}: the company's greeting, then {@code <Record>} with a recording status
 *       callback (and a transcription callback when transcription is on). A company that turned
 *       recording off is never recorded: it gets its greeting, then the call ends;</li>
 *   <li>{@code forward}: {@code <Dial>} to the forward number, the whisper played to the callee by a
 *       {@code <Number url>}, the call recorded when recordingEnabled. The callee sees the caller's
 *       own number (Dial's default caller id, allowed for a forwarded inbound call). When the dial
 *       ends, Twilio asks the dial-action callback, which sends an unanswered call to voicemail.</li>
 * </ul>
 * A company whose mode lacks what it needs (forward without a number, ai-agent without an
 * endpoint) gets voicemail and a warning: never an error tone.
 */
public final class TwimlFactory {

  static final String DEFAULT_GREETING =
      "The person you are calling is not available. Please leave a message after the tone.";
  static final String NO_MESSAGES = "The person you are calling is not available. Please call again later.";
  static final String NOT_CONFIGURED = "We're sorry, this number is not configured. Goodbye.";
  static final String CANNOT_CONNECT = "We're sorry, this call cannot be connected. Goodbye.";
  static final int FORWARD_RING_SECONDS = 20;
  static final int VOICEMAIL_MAX_SECONDS = 120;
  /** DialCallStatus values meaning the callee took the call. */
  private static final Set<String> ANSWERED = Set.of("completed", "answered");

  private final CallbackUrls callbacks;

  public TwimlFactory(CallbackUrls callbacks) {
    this.callbacks = callbacks;
  }

  /** The answer to a resolved webhook; null for callbacks nobody waits an answer for (status, recording). */
  public Answer answer(ResolvedWebhook resolved) {
    WebhookReceived event = resolved.getEvent();
    RoutingSnapshot route = resolved.getRoute();
    List<String> warnings = new ArrayList<>();
    return switch (event.getKind()) {
      case SMS -> switch (SmsKeywords.intent(FormFields.first(event.getParams(), "Body"))) {
        // Twilio confirms an opt-out or opt-in itself; an auto-reply to STOP would not be delivered.
        case OPT_OUT, OPT_IN -> new Answer(smsReply(null), List.of(), null);
        case HELP -> {
          String help = blank(route.getSmsHelp()) ? defaultHelp(route) : route.getSmsHelp();
          yield new Answer(smsReply(help), List.of(), help);
        }
        case NONE -> new Answer(smsReply(route.getSmsReply()), List.of(),
            blank(route.getSmsReply()) ? null : route.getSmsReply());
      };
      case VOICE -> {
        String eventId = event.getEventId();
        // Business hours are decided at the moment the call reached the ingress, so that a replay
        // answers as the call was answered.
        CallRouting.Routing routing = CallRouting.at(route, event.getReceivedAt());
        warnings.addAll(routing.warnings());
        RoutingSnapshot now = routing.route();
        VoiceResponse response = switch (routing.mode()) {
          case AI_AGENT -> aiAgent(now, event);
          case FORWARD -> forward(now, eventId);
          default -> voicemail(now, rootEventId(event), warnings);
        };
        yield new Answer(TwimlXml.toXml(response), warnings, null, routing.mode(), routing.rule());
      }
      case DIAL_ACTION -> {
        String status = FormFields.first(event.getParams(), "DialCallStatus");
        VoiceResponse response = status != null && ANSWERED.contains(status)
            ? new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build()
            : voicemail(route, rootEventId(event), warnings);
        yield new Answer(TwimlXml.toXml(response), warnings);
      }
      default -> null;
    };
  }

  /** TwiML for a webhook no company may handle; null when nobody waits for an answer. */
  public Answer answer(UnroutableWebhook unroutable) {
    WebhookKind kind = unroutable.getEvent().getKind();
    if (unroutable.getReason() == UnroutableReason.SIGNATURE_INVALID
        || unroutable.getReason() == UnroutableReason.MALFORMED
        || (kind != WebhookKind.VOICE && kind != WebhookKind.SMS && kind != WebhookKind.DIAL_ACTION)) {
      return null;
    }
    if (kind == WebhookKind.SMS) {
      return Answer.of(TwimlXml.toXml(new MessagingResponse.Builder().build()));
    }
    String text = switch (unroutable.getReason()) {
      case NO_COMPANY, NUMBER_INACTIVE, NOT_A_PHONE_NUMBER -> NOT_CONFIGURED;
      default -> CANNOT_CONNECT;
    };
    return Answer.of(TwimlXml.toXml(new VoiceResponse.Builder()
        .say(new Say.Builder(text).build())
        .hangup(new Hangup.Builder().build())
        .build()));
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

  private VoiceResponse forward(RoutingSnapshot route, String eventId) {
    Number.Builder number = new Number.Builder(route.getForwardNumber());
    if (!blank(route.getWhisperMessage())) {
      number.url(callbacks.whisper(route.getCompanyId(), eventId));
    }
    Dial.Builder dial = new Dial.Builder()
        .timeout(FORWARD_RING_SECONDS)
        .action(callbacks.dialAction(route.getCompanyId(), eventId))
        .number(number.build());
    if (route.getRecordingEnabled()) {
      dial.record(Dial.Record.RECORD_FROM_ANSWER_DUAL)
          .recordingStatusCallback(callbacks.recording(route.getCompanyId(), eventId));
    }
    return new VoiceResponse.Builder().dial(dial.build()).build();
  }

  private VoiceResponse voicemail(RoutingSnapshot route, String eventId, List<String> warnings) {
    if (!route.getRecordingEnabled()) {
      warnings.add("voicemail with recording disabled: callers cannot leave a message");
      return new VoiceResponse.Builder()
          .say(new Say.Builder(blank(route.getGreeting()) ? NO_MESSAGES : route.getGreeting()).build())
          .hangup(new Hangup.Builder().build())
          .build();
    }
    Record.Builder record = new Record.Builder()
        .maxLength(VOICEMAIL_MAX_SECONDS)
        .playBeep(true)
        .recordingStatusCallback(callbacks.recording(route.getCompanyId(), eventId));
    if (route.getTranscriptionEnabled()) {
      record.transcribe(true).transcribeCallback(callbacks.transcription(route.getCompanyId(), eventId));
    }
    return new VoiceResponse.Builder()
        .say(new Say.Builder(blank(route.getGreeting()) ? DEFAULT_GREETING : route.getGreeting()).build())
        .record(record.build())
        .build();
  }

  /** Callbacks of a call are attributed to the event that started it. */
  private static String rootEventId(WebhookReceived event) {
    return event.getParentEventId() != null ? event.getParentEventId() : event.getEventId();
  }

  /** The answer to HELP when the company set none: who is writing, and how to stop it. */
  static String defaultHelp(RoutingSnapshot route) {
    return (blank(route.getCompanyName()) ? "" : route.getCompanyName() + ": ")
        + "reply STOP to stop receiving messages, START to receive them again.";
  }

  private static String smsReply(String reply) {
    MessagingResponse.Builder response = new MessagingResponse.Builder();
    if (!blank(reply)) {
      response.message(new Message.Builder(reply).build());
    }
    return TwimlXml.toXml(response.build());
  }

  private static Parameter parameter(String name, String value) {
    return new Parameter.Builder().name(name).value(value == null ? "" : value).build();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
