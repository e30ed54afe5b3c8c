package io.switchboard.ingress.http;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Say;
import io.switchboard.domain.twilio.TwimlXml;
import io.switchboard.ingress.IngressProperties;
import io.switchboard.ingress.IntakeResult;
import io.switchboard.ingress.WebhookAuthenticator;
import io.switchboard.ingress.TenantDirectory;
import io.switchboard.ingress.WebhookIntake;
import io.switchboard.ingress.kafka.ReplyWaiter;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.common.CallbackPaths;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/** Twilio's webhooks: incoming calls and messages, and the whisper played to a forwarded call's callee. */
@RestController
public class TwilioWebhookController {

  static final String SIGNATURE_HEADER = "X-Twilio-Signature";
  static final String IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token";

  private final WebhookIntake intake;
  private final ReplyWaiter replies;
  private final TenantDirectory directory;
  private final WebhookAuthenticator authenticator;
  private final IngressProperties props;

  public TwilioWebhookController(WebhookIntake intake, TenantDirectory directory, WebhookAuthenticator authenticator,
      IngressProperties props, ReplyWaiter replies) {
    this.intake = intake;
    this.replies = replies;
    this.directory = directory;
    this.authenticator = authenticator;
    this.props = props;
  }

  @PostMapping("/api/twilio/voice")
  public ResponseEntity<String> voice(HttpServletRequest request) throws IOException {
    return receive(WebhookKind.VOICE, request, null, null);
  }

  @PostMapping("/api/twilio/sms")
  public ResponseEntity<String> sms(HttpServletRequest request) throws IOException {
    return receive(WebhookKind.SMS, request, null, null);
  }

  /** Call status callback that Switchboard's TwiML asked for; the URL names the company and the event. */
  @PostMapping(CallbackPaths.CALL_STATUS)
  public ResponseEntity<String> callStatus(HttpServletRequest request) throws IOException {
    String companyId = query(request, "companyId");
    String eventId = query(request, "eventId");
    return receive(WebhookKind.CALL_STATUS, request, companyId, eventId);
  }

  /** Recording status callback of a voicemail or a recorded forward. */
  @PostMapping(CallbackPaths.RECORDING)
  public ResponseEntity<String> recording(HttpServletRequest request) throws IOException {
    String companyId = query(request, "companyId");
    String eventId = query(request, "eventId");
    return receive(WebhookKind.RECORDING_STATUS, request, companyId, eventId);
  }

  /** Transcription callback of a voicemail. */
  @PostMapping(CallbackPaths.TRANSCRIPTION)
  public ResponseEntity<String> transcription(HttpServletRequest request) throws IOException {
    String companyId = query(request, "companyId");
    String eventId = query(request, "eventId");
    return receive(WebhookKind.TRANSCRIPTION, request, companyId, eventId);
  }

  /** Where a forwarded call goes when the {@code <Dial>} ends: voicemail when nobody answered. */
  @PostMapping(CallbackPaths.DIAL_ACTION)
  public ResponseEntity<String> dialAction(HttpServletRequest request) throws IOException {
    String companyId = query(request, "companyId");
    String eventId = query(request, "eventId");
    return receive(WebhookKind.DIAL_ACTION, request, companyId, eventId);
  }

  /** The whisper a forwarded call's callee hears before being connected, for the company named in the signed URL. */
  @RequestMapping(value = CallbackPaths.WHISPER, method = {RequestMethod.GET, RequestMethod.POST})
  public ResponseEntity<String> whisper(HttpServletRequest request) throws IOException {
    String companyId = query(request, "companyId");
    Map<String, List<String>> params = "POST".equals(request.getMethod()) ? readForm(request) : Map.of();
    if (params == null) {
      return plain(HttpStatus.CONTENT_TOO_LARGE, "Body too large");
    }
    if (blank(companyId)) {
      return plain(HttpStatus.BAD_REQUEST, "Callback URL must carry companyId");
    }
    if (!authenticator.signedBy(companyId, WebhookAuthenticator.Signed.form(publicUrl(request), params,
        request.getHeader(SIGNATURE_HEADER)))) {
      return plain(HttpStatus.FORBIDDEN, "Forbidden");
    }
    String message = directory.company(companyId).map(c -> c.getRouting().getWhisperMessage()).orElse(null);
    VoiceResponse.Builder twiml = new VoiceResponse.Builder();
    if (message != null && !message.isBlank()) {
      twiml.say(new Say.Builder(message).build());
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(TwimlXml.toXml(twiml.build()));
  }

  /**
   * A deferred answer too long to go inline in a call update: Twilio is told to fetch it here. Only
   * the company named in the signed URL gets its own event's TwiML.
   */
  @RequestMapping(value = CallbackPaths.DEFERRED_TWIML, method = {RequestMethod.GET, RequestMethod.POST})
  public ResponseEntity<String> deferredTwiml(HttpServletRequest request) throws IOException {
    String companyId = query(request, "companyId");
    String eventId = query(request, "eventId");
    Map<String, List<String>> params = "POST".equals(request.getMethod()) ? readForm(request) : Map.of();
    if (params == null) {
      return plain(HttpStatus.CONTENT_TOO_LARGE, "Body too large");
    }
    if (blank(companyId) || blank(eventId)) {
      return plain(HttpStatus.BAD_REQUEST, "Callback URL must carry companyId and eventId");
    }
    if (!authenticator.signedBy(companyId, WebhookAuthenticator.Signed.form(publicUrl(request), params,
        request.getHeader(SIGNATURE_HEADER)))) {
      return plain(HttpStatus.FORBIDDEN, "Forbidden");
    }
    return replies.longReply(eventId)
        .filter(reply -> companyId.equals(reply.getCompanyId()))
        .map(reply -> ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(reply.getTwiml()))
        .orElseGet(() -> plain(HttpStatus.NOT_FOUND, "No such answer"));
  }

  private ResponseEntity<String> receive(WebhookKind kind, HttpServletRequest request, String companyId, String eventId)
      throws IOException {
    boolean json = isJson(request.getContentType());
    if (!json && !isForm(request.getContentType())) {
      intake.rejectMalformed(kind, publicUrl(request), "content type " + request.getContentType(),
          request.getRemoteAddr());
      return plain(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Expected application/x-www-form-urlencoded, or application/json signed with bodySHA256");
    }
    boolean needsContext = kind != WebhookKind.VOICE && kind != WebhookKind.SMS && kind != WebhookKind.CALL_STATUS;
    if ((needsContext || companyId != null) && (blank(companyId) || blank(eventId))) {
      intake.rejectMalformed(kind, publicUrl(request), "callback URL without companyId and eventId",
          request.getRemoteAddr());
      return plain(HttpStatus.BAD_REQUEST, "Callback URL must carry companyId and eventId");
    }
    Map<String, List<String>> params;
    String jsonBody = null;
    try {
      if (json) {
        jsonBody = readText(request);
        params = jsonBody == null ? null : JsonBody.fields(jsonBody);
      } else {
        params = readForm(request);
      }
    } catch (IllegalArgumentException e) {
      String what = json ? "JSON" : "form";
      intake.rejectMalformed(kind, publicUrl(request), "malformed " + what + " body: " + e.getMessage(),
          request.getRemoteAddr());
      return plain(HttpStatus.BAD_REQUEST, "Malformed " + what + " body: " + e.getMessage());
    }
    if (params == null) {
      intake.rejectMalformed(kind, publicUrl(request), "body larger than " + props.maxBodyBytes() + " bytes",
          request.getRemoteAddr());
      return plain(HttpStatus.CONTENT_TOO_LARGE, "Body larger than " + props.maxBodyBytes() + " bytes");
    }
    IntakeResult result = intake.receive(new WebhookIntake.Request(kind, publicUrl(request), params, jsonBody,
        request.getHeader(SIGNATURE_HEADER), request.getHeader(IDEMPOTENCY_HEADER), companyId, eventId,
        request.getRemoteAddr()));
    if (result.twiml()) {
      return ResponseEntity.status(result.status()).contentType(MediaType.APPLICATION_XML).body(result.body());
    }
    return plain(HttpStatus.valueOf(result.status()), result.body());
  }

  /** A whisper or deferred-TwiML request whose body is not a form: refused, not a 500. */
  @org.springframework.web.bind.annotation.ExceptionHandler(IllegalArgumentException.class)
  public ResponseEntity<String> malformed(IllegalArgumentException e) {
    return plain(HttpStatus.BAD_REQUEST, "Malformed form body: " + e.getMessage());
  }

  /**
   * A query-string parameter, read from the query string itself: asking the servlet container for
   * a parameter would make it consume a form body that the signature check still has to read.
   */
  private static String query(HttpServletRequest request, String name) {
    String query = request.getQueryString();
    if (query == null) {
      return null;
    }
    List<String> values = FormBody.parse(query.getBytes(StandardCharsets.UTF_8)).get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as UTF-8 text, or null when it is larger than the limit. */
  private String readText(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > props.maxBodyBytes()) {
      return null;
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(props.maxBodyBytes() + 1);
      return body.length > props.maxBodyBytes() ? null : new String(body, StandardCharsets.UTF_8);
    }
  }

  /** The body's form fields, or null when it is larger than the limit. */
  private Map<String, List<String>> readForm(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > props.maxBodyBytes()) {
      return null;
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(props.maxBodyBytes() + 1);
      return body.length > props.maxBodyBytes() ? null : FormBody.parse(body);
    }
  }

  /** The URL Twilio called, which the signature covers: the configured public base, or the request's own. */
  private String publicUrl(HttpServletRequest request) {
    String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
    if (props.publicBaseUrl() != null && !props.publicBaseUrl().isBlank()) {
      return props.publicBaseUrl() + request.getRequestURI() + query;
    }
    return request.getRequestURL() + query;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static boolean isJson(String contentType) {
    return contentType != null && contentType.toLowerCase().startsWith(MediaType.APPLICATION_JSON_VALUE);
  }

  private static boolean isForm(String contentType) {
    return contentType != null && contentType.toLowerCase().startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
  }

  private static ResponseEntity<String> plain(HttpStatus status, String message) {
    return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(message);
  }
}
