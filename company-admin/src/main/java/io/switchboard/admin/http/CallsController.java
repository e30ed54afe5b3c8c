package io.switchboard.admin.http;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Say;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.switchboard.admin.mongo.CompanyStore;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/companies/{id}/calls}: an outbound call placed through the company's own Twilio
 * client, from one of its active numbers (its primary one unless another is named). When answered,
 * the callee hears the given message, or is routed by the company's routing mode as an incoming call
 * would be. The request is accepted once durably queued (202); the side-effect worker places the
 * call at most once (the {@code Idempotency-Key} makes the effect id), and its status callbacks
 * (initiated, ringing, answered, completed) land on {@code calls.events} with the company id.
 */
@RestController
public class CallsController {

  static final int MAX_MESSAGE = 1_000;

  /** The call to place: to whom, from which of the company's numbers, and what to say when answered. */
  public record CallRequest(String to, String from, String say) {}

  private final CompanyStore store;
  private final OutboundRequests outbound;
  private final Clock clock;

  CallsController(CompanyStore store, OutboundRequests outbound, Clock clock) {
    this.store = store;
    this.outbound = outbound;
    this.clock = clock;
  }

  @Operation(summary = "Place an outbound call from a company's number", description = "Placed once through the "
      + "company's own Twilio client (the Idempotency-Key header is required: a retried request is the same call). "
      + "When answered: the message in 'say', or the company's routing mode. Answered 202 with the effect id once "
      + "the request is durable; 409 when the company has no Twilio credentials.")
  @PostMapping("/api/companies/{companyId}/calls")
  public ResponseEntity<?> place(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples = {
          @ExampleObject(name = "routed", summary = "answered by the company's routing mode", value = """
              {"to": "+15557654321"}"""),
          @ExampleObject(name = "message", summary = "a message said when answered", value = """
              {"to": "+15557654321", "from": "+15551230001", "say": "Your table is ready."}""")}))
      @RequestBody CallRequest request,
      @RequestHeader(value = "Idempotency-Key", required = false) String key) throws Exception {
    CompanyAccess.require(jwt, companyId);
    Optional<Document> company = store.find(companyId);
    if (company.isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no company " + companyId));
    }
    List<FieldError> errors = new ArrayList<>();
    if (key == null || key.isBlank() || key.length() > 200) {
      errors.add(new FieldError("Idempotency-Key", "the header is required (at most 200 characters): a request "
          + "retried with the same key places the call once"));
    }
    Optional<String> to = outbound.to(request.to(), errors);
    if (request.say() != null && (request.say().isBlank() || request.say().length() > MAX_MESSAGE)) {
      errors.add(new FieldError("say", "must be 1 to " + MAX_MESSAGE + " characters, or left out to route the call"));
    }
    String from = outbound.from(company.get(), request.from(), errors);
    if (!errors.isEmpty()) {
      return ResponseEntity.badRequest().body(Map.of("errors", errors));
    }
    Document twilio = CompanyDocument.of(company.get()).twilio();
    if (twilio.get("accountSid") == null || twilio.get(CompanyDocument.AUTH_TOKEN) == null) {
      return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "Twilio not configured for this company"));
    }
    String eventId = OutboundRequests.eventId(companyId, SideEffectKind.PLACE_CALL.name(), key);
    SideEffect effect = SideEffect.newBuilder()
        .setEffectId(SideEffectKind.PLACE_CALL + ":" + eventId)
        .setKind(SideEffectKind.PLACE_CALL)
        .setEventId(eventId)
        .setCompanyId(companyId)
        .setTo(to.get())
        .setFrom(from)
        .setTwiml(request.say() == null ? null
            : new VoiceResponse.Builder().say(new Say.Builder(request.say()).build()).build().toXml())
        .setRequestedAt(clock.instant())
        .build();
    outbound.submit(effect);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("effectId", effect.getEffectId());
    body.put("from", from);
    body.put("to", to.get());
    body.put("answer", request.say() == null ? "routing mode" : "message");
    return ResponseEntity.accepted().body(body);
  }
}
