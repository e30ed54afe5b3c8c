package io.switchboard.ingress;

import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Pause;
import com.twilio.twiml.voice.Say;
import io.switchboard.domain.crypto.CredentialException;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.phone.TenantAddress;
import io.switchboard.ingress.kafka.EventPublisher;
import io.switchboard.ingress.kafka.KafkaUnavailableException;
import io.switchboard.ingress.kafka.ReplyWaiter;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts one incoming Twilio webhook (voice or SMS): finds whose token may sign it, checks the
 * signature, writes it durably to {@code twilio.webhooks}, and answers with the call-handler's
 * TwiML if it arrives within the reply budget, otherwise with a short holding answer. It never
 * answers 2xx for a webhook Kafka has not acknowledged: then it answers 503, so Twilio retries or
 * uses the number's fallback URL.
 */
public final class WebhookIntake {

  private static final Logger log = LoggerFactory.getLogger(WebhookIntake.class);
  static final String HOLDING_MESSAGE = "Please hold while we connect your call.";
  static final int HOLDING_PAUSE_SECONDS = 10;

  private final PhoneNumbers phoneNumbers;
  private final TenantDirectory directory;
  private final SignatureVerifier verifier;
  private final EventPublisher publisher;
  private final ReplyWaiter replies;
  private final Duration replyBudget;
  private final Clock clock;

  public WebhookIntake(PhoneNumbers phoneNumbers, TenantDirectory directory, SignatureVerifier verifier,
      EventPublisher publisher, ReplyWaiter replies, Duration replyBudget, Clock clock) {
    this.phoneNumbers = phoneNumbers;
    this.directory = directory;
    this.verifier = verifier;
    this.publisher = publisher;
    this.replies = replies;
    this.replyBudget = replyBudget;
    this.clock = clock;
  }

  public IntakeResult receive(WebhookKind kind, String publicUrl, Map<String, List<String>> params, String signature,
      String idempotencyToken) {
    Instant receivedAt = clock.instant();
    String eventId = UUID.randomUUID().toString();
    String sidField = kind == WebhookKind.SMS ? "MessageSid" : "CallSid";
    String rawAddress = first(params, outboundApi(params) ? "From" : "To");

    WebhookReceived.Builder event = WebhookReceived.newBuilder()
        .setEventId(eventId)
        .setKind(kind)
        .setRawTenantAddress(rawAddress)
        .setCallSid(first(params, "CallSid"))
        .setMessageSid(Optional.ofNullable(first(params, "MessageSid")).orElse(first(params, "SmsSid")))
        .setAccountSid(first(params, "AccountSid"))
        .setRequestUrl(publicUrl)
        .setParams(params)
        .setIdempotencyToken(idempotencyToken)
        .setReceivedAt(receivedAt)
        .setSignatureOutcome(SignatureOutcome.UNKNOWN);

    String missing = rawAddress == null ? (outboundApi(params) ? "From" : "To")
        : first(params, sidField) == null && (kind != WebhookKind.SMS || first(params, "SmsSid") == null) ? sidField
        : null;
    if (missing != null) {
      publisher.recordRejected(rejection(event.build(), UnroutableReason.MALFORMED, "missing field " + missing));
      return IntakeResult.error(400, "Missing required field " + missing);
    }

    TenantAddress address = phoneNumbers.classify(rawAddress);
    String tenantNumber = address instanceof TenantAddress.PhoneNumber number ? number.e164() : null;
    event.setTenantNumber(tenantNumber);

    List<String> claimants = tenantNumber == null ? List.of() : directory.claimants(tenantNumber);
    if (claimants.isEmpty()) {
      event.setSignatureOutcome(SignatureOutcome.NO_TENANT);
    } else {
      Optional<String> signer = signer(claimants, publicUrl, params, signature);
      if (signer.isEmpty()) {
        publisher.recordRejected(rejection(event.build(), UnroutableReason.SIGNATURE_INVALID,
            signature == null ? "no X-Twilio-Signature" : "X-Twilio-Signature does not match any claimant's token"));
        log.warn("Rejected {} webhook for {}: {} signature", kind, tenantNumber, signature == null ? "missing" : "invalid");
        return IntakeResult.error(403, "Forbidden");
      }
      event.setSignatureOutcome(SignatureOutcome.VALID).setCompanyId(signer.get());
    }
    return publishAndAnswer(event.build());
  }

  private Optional<String> signer(List<String> claimants, String url, Map<String, List<String>> params,
      String signature) {
    for (String companyId : claimants) {
      Optional<Secret> token;
      try {
        token = directory.authToken(companyId);
      } catch (CredentialException e) {
        log.error("Cannot use the token of company {}: {}", companyId, e.getMessage());
        continue;
      }
      if (token.isPresent() && verifier.verify(token.get(), url, params, signature)) {
        return Optional.of(companyId);
      }
    }
    return Optional.empty();
  }

  private IntakeResult publishAndAnswer(WebhookReceived event) {
    CompletableFuture<TwimlReply> reply = replies.expect(event.getEventId());
    try {
      publisher.publishDurably(event);
    } catch (KafkaUnavailableException e) {
      replies.forget(event.getEventId());
      log.error("Answering 503 for {}: {}", event.getEventId(), e.getMessage());
      return IntakeResult.error(503, "Service temporarily unavailable");
    }
    try {
      TwimlReply answer = reply.get(replyBudget.toMillis(), TimeUnit.MILLISECONDS);
      recordAnswer(event, answer.getCompanyId(), CallEventType.CALL_ANSWERED_INLINE);
      return IntakeResult.twiml(answer.getTwiml());
    } catch (TimeoutException e) {
      replies.forget(event.getEventId());
      log.warn("No TwiML for {} within {} ms; answered with a holding response", event.getEventId(),
          replyBudget.toMillis());
      recordAnswer(event, event.getCompanyId(), CallEventType.CALL_DEFERRED);
      return IntakeResult.twiml(holding(event.getKind()));
    } catch (ExecutionException e) {
      log.error("Reply for {} could not be read: {}", event.getEventId(), e.getCause().getMessage());
      recordAnswer(event, event.getCompanyId(), CallEventType.CALL_DEFERRED);
      return IntakeResult.twiml(holding(event.getKind()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return IntakeResult.twiml(holding(event.getKind()));
    }
  }

  private void recordAnswer(WebhookReceived event, String companyId, CallEventType type) {
    if (event.getKind() != WebhookKind.VOICE) {
      return;
    }
    CallEvent callEvent = CallEvent.newBuilder()
        .setEventId(event.getEventId())
        .setType(type)
        .setCallSid(event.getCallSid())
        .setCompanyId(companyId)
        .setTenantNumber(event.getTenantNumber())
        .setFrom(first(event.getParams(), "From"))
        .setTo(first(event.getParams(), "To"))
        .setOccurredAt(clock.instant())
        .build();
    publisher.recordCallEvent(event.getCallSid(), callEvent);
  }

  static String holding(WebhookKind kind) {
    if (kind == WebhookKind.SMS) {
      return new MessagingResponse.Builder().build().toXml();
    }
    return new VoiceResponse.Builder()
        .say(new Say.Builder(HOLDING_MESSAGE).build())
        .pause(new Pause.Builder().length(HOLDING_PAUSE_SECONDS).build())
        .build().toXml();
  }

  private UnroutableWebhook rejection(WebhookReceived event, UnroutableReason reason, String detail) {
    return UnroutableWebhook.newBuilder()
        .setEvent(event)
        .setReason(reason)
        .setDetail(detail)
        .setDecidedAt(clock.instant())
        .build();
  }

  private static boolean outboundApi(Map<String, List<String>> params) {
    return "outbound-api".equals(first(params, "Direction"));
  }

  static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
