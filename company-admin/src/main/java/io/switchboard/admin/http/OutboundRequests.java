package io.switchboard.admin.http;

import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.springframework.stereotype.Component;

/**
 * What the company API's outbound requests (an SMS, a call) share: the number they go to, the
 * company number they come from (its primary one unless another of its active numbers is named),
 * the event id a retried request keeps, and the side-effect request written durably before the
 * caller is answered.
 */
@Component
class OutboundRequests {

  private final PhoneNumbers phones;
  private final KafkaProducer<String, SideEffect> requests;

  OutboundRequests(PhoneNumbers phones, KafkaProducer<String, SideEffect> requests) {
    this.phones = phones;
    this.requests = requests;
  }

  /** The recipient in E.164, or a field error. */
  Optional<String> to(String requested, List<FieldError> errors) {
    Optional<String> to = requested == null ? Optional.empty() : phones.toE164(requested);
    if (to.isEmpty()) {
      errors.add(new FieldError("to", "is not a phone number"));
    }
    return to;
  }

  /** The company number it comes from, or a field error. */
  String from(Document company, String requested, List<FieldError> errors) {
    List<String> active = CompanyDocument.of(company).activeNumbers(phones);
    String from = requested == null ? (active.isEmpty() ? null : active.get(0))
        : phones.toE164(requested).filter(active::contains).orElse(null);
    if (from == null) {
      errors.add(new FieldError("from", requested == null ? "the company has no active number to send from"
          : "is not one of the company's active numbers"));
    }
    return from;
  }

  /** The same key of the same company always gives the same event id: the request is performed once. */
  static String eventId(String companyId, String kind, String idempotencyKey) {
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return UUID.randomUUID().toString();
    }
    String scope = kind.equals("SEND_SMS") ? companyId + ":" + idempotencyKey : companyId + ":" + kind + ":" + idempotencyKey;
    return "api-" + UUID.nameUUIDFromBytes(scope.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the request and waits until Kafka holds it. */
  void submit(SideEffect effect) throws Exception {
    requests.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effect.getEffectId(), effect)).get(10, TimeUnit.SECONDS);
  }
}
