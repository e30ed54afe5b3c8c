package io.switchboard.admin.http;

import io.switchboard.kafka.TopicReplica;
import io.switchboard.domain.routing.SmsKeywords;
import io.switchboard.schemas.tenants.SmsOptOut;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.switchboard.admin.mongo.CompanyStore;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import java.time.Clock;
import java.util.ArrayList;
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
 * {@code POST /api/companies/{id}/sms}: a message sent through the company's own Twilio client, from
 * one of its active numbers (its primary one unless another is named). The request is accepted once
 * it is durably queued (202); the side-effect worker sends it at most once, and a retried request
 * with the same {@code Idempotency-Key} is the same message. A recipient who replied STOP (or
 * another opt-out keyword) to the company is refused until they reply START.
 */
@RestController
public class SmsController {

  static final int MAX_BODY = 1_600;

  /** The message to send. */
  public record SmsRequest(String to, String body, String from) {}

  private final CompanyStore store;
  private final OutboundRequests outbound;
  private final TopicReplica<SmsOptOut> optOuts;
  private final Clock clock;

  SmsController(CompanyStore store, OutboundRequests outbound, TopicReplica<SmsOptOut> optOuts, Clock clock) {
    this.store = store;
    this.outbound = outbound;
    this.optOuts = optOuts;
    this.clock = clock;
  }

  @Operation(summary = "Send an SMS from a company's number", description = "Sent once through the company's own Twilio client; a request retried with the same Idempotency-Key is the same message. Answered 202 with the effect id once the request is durable.")
  @PostMapping("/api/companies/{companyId}/sms")
  public ResponseEntity<?> send(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples = @ExampleObject(value = """
          {"to": "+15557654321", "body": "On our way"}""")))
      @RequestBody SmsRequest request, @RequestHeader(value = "Idempotency-Key", required = false) String key)
      throws Exception {
    CompanyAccess.require(jwt, companyId);
    Optional<Document> company = store.find(companyId);
    if (company.isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no company " + companyId));
    }
    List<FieldError> errors = new ArrayList<>();
    Optional<String> to = outbound.to(request.to(), errors);
    if (request.body() == null || request.body().isBlank() || request.body().length() > MAX_BODY) {
      errors.add(new FieldError("body", "must be 1 to " + MAX_BODY + " characters"));
    }
    String from = outbound.from(company.get(), request.from(), errors);
    if (!errors.isEmpty()) {
      return ResponseEntity.badRequest().body(Map.of("errors", errors));
    }
    SmsOptOut optOut = optOuts.get(SmsKeywords.key(companyId, to.get()));
    if (optOut != null && optOut.getOptedOut()) {
      // Twilio would refuse it (error 21610); the recipient must reply START first.
      return ResponseEntity.unprocessableContent().body(Map.of("errors", List.of(new FieldError("to", to.get()
          + " has opted out of this company's messages (replied " + optOut.getKeyword() + " at " + optOut.getAt()
          + "); nothing was sent. They can opt back in by replying START."))));
    }
    String eventId = OutboundRequests.eventId(companyId, SideEffectKind.SEND_SMS.name(), key);
    SideEffect effect = SideEffect.newBuilder()
        .setEffectId(SideEffectKind.SEND_SMS + ":" + eventId)
        .setKind(SideEffectKind.SEND_SMS)
        .setEventId(eventId)
        .setCompanyId(companyId)
        .setTo(to.get())
        .setFrom(from)
        .setBody(request.body())
        .setRequestedAt(clock.instant())
        .build();
    outbound.submit(effect);
    return ResponseEntity.accepted().body(Map.of("effectId", effect.getEffectId(), "from", from, "to", to.get()));
  }

}
