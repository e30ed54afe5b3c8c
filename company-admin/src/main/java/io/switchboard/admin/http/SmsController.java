package io.switchboard.admin.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.switchboard.admin.mongo.CompanyStore;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.kafka.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * with the same {@code Idempotency-Key} is the same message.
 */
@RestController
public class SmsController {

  static final int MAX_BODY = 1_600;

  /** The message to send. */
  public record SmsRequest(String to, String body, String from) {}

  private final CompanyStore store;
  private final PhoneNumbers phones;
  private final KafkaProducer<String, SideEffect> requests;
  private final Clock clock;

  public SmsController(CompanyStore store, PhoneNumbers phones, KafkaProducer<String, SideEffect> requests, Clock clock) {
    this.store = store;
    this.phones = phones;
    this.requests = requests;
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
    List<String> active = activeNumbers(company.get());
    List<FieldError> errors = new ArrayList<>();
    Optional<String> to = request.to() == null ? Optional.empty() : phones.toE164(request.to());
    if (to.isEmpty()) {
      errors.add(new FieldError("to", "is not a phone number"));
    }
    if (request.body() == null || request.body().isBlank() || request.body().length() > MAX_BODY) {
      errors.add(new FieldError("body", "must be 1 to " + MAX_BODY + " characters"));
    }
    String from = request.from() == null ? (active.isEmpty() ? null : active.get(0))
        : phones.toE164(request.from()).filter(active::contains).orElse(null);
    if (from == null) {
      errors.add(new FieldError("from", request.from() == null ? "the company has no active number to send from"
          : "is not one of the company's active numbers"));
    }
    if (!errors.isEmpty()) {
      return ResponseEntity.badRequest().body(Map.of("errors", errors));
    }
    String eventId = key == null || key.isBlank() ? UUID.randomUUID().toString()
        : "api-" + UUID.nameUUIDFromBytes((companyId + ":" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
    requests.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effect.getEffectId(), effect))
        .get(10, TimeUnit.SECONDS);
    return ResponseEntity.accepted().body(Map.of("effectId", effect.getEffectId(), "from", from, "to", to.get()));
  }

  private List<String> activeNumbers(Document company) {
    return CompanyDocument.of(company).activeNumbers(phones);
  }
}
