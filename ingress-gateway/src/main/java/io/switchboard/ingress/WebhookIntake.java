package io.switchboard.ingress;

import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Pause;
import com.twilio.twiml.voice.Say;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.phone.TenantAddress;
import io.switchboard.ingress.kafka.EventPublisher;
import io.switchboard.ingress.kafka.KafkaUnavailableException;
import io.switchboard.ingress.kafka.ReplyWaiter;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallDeferred;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import io.switchboard.domain.twilio.FormFields;
import io.switchboard.domain.twilio.TwimlXml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Accepts one Twilio webhook: finds whose token may sign it, checks the signature, writes it
 * durably to {@code twilio.webhooks}, and answers. Calls, messages and dial actions wait for the
 * call-handler's TwiML within the reply budget; past it they get a short holding answer and a
 * {@code CallDeferred} record, so that the TwiML is applied later through the company's client:
 * exactly one of the two takes effect, decided here once per webhook. Status, recording and
 * transcription callbacks are answered as soon as they are durable. It never answers 2xx for a
 * webhook Kafka has not acknowledged (503, so Twilio retries or uses the fallback URL), and a
 * retry carrying the same idempotency token gets the first attempt's answer, under the same
 * event id, instead of a second processing.
 */
public final class WebhookIntake {

  private static final Logger log = LoggerFactory.getLogger(WebhookIntake.class);
  static final String HOLDING_MESSAGE = "Please hold while we connect your call.";
  static final int HOLDING_PAUSE_SECONDS = 10;
  private static final String EMPTY_RESPONSE = TwimlXml.toXml(new VoiceResponse.Builder().build());
  private static final String EMPTY_MESSAGING_RESPONSE = TwimlXml.toXml(new MessagingResponse.Builder().build());
  private static final String HOLDING_VOICE_RESPONSE = TwimlXml.toXml(new VoiceResponse.Builder()
      .say(new Say.Builder(HOLDING_MESSAGE).build())
      .pause(new Pause.Builder().length(HOLDING_PAUSE_SECONDS).build())
      .build());
  private static final Set<WebhookKind> ANSWERED_WITH_TWIML = Set.of(WebhookKind.VOICE, WebhookKind.SMS,
      WebhookKind.DIAL_ACTION);

  private static final IntakeResult UNAVAILABLE =
      IntakeResult.error(503, "Service temporarily unavailable", IntakeResult.Outcome.UNAVAILABLE);

  private final PhoneNumbers phoneNumbers;
  private final TenantDirectory directory;
  private final WebhookAuthenticator authenticator;
  private final EventPublisher publisher;
  private final ReplyWaiter replies;
  private final Duration replyBudget;
  /** The longest a webhook is held, every wait included; each wait takes what is left of it. */
  private final Duration maxHold;
  private final Clock clock;
  private final RecentAnswers recent;
  private final RejectionLimiter rejections;
  private final boolean skipValidation;
  private final IngressMetrics metrics;

  /** @param skipValidation accept unsigned webhooks: only for a local demo, refused in production */
  public WebhookIntake(PhoneNumbers phoneNumbers, TenantDirectory directory, WebhookAuthenticator authenticator,
      EventPublisher publisher, ReplyWaiter replies, Duration replyBudget, Duration maxHold, Clock clock,
      boolean skipValidation,
      IngressMetrics metrics, RejectionLimiter rejections) {
    this.skipValidation = skipValidation;
    this.metrics = metrics;
    this.rejections = rejections;
    this.phoneNumbers = phoneNumbers;
    this.directory = directory;
    this.authenticator = authenticator;
    this.publisher = publisher;
    this.replies = replies;
    this.replyBudget = replyBudget;
    this.maxHold = maxHold;
    this.clock = clock;
    this.recent = new RecentAnswers(10_000, Duration.ofMinutes(10), clock);
  }

  /** A request Twilio made: what it called, what it sent, and its signature and retry token. */
  /**
   * A request Twilio made. {@code params} are its form fields, or a JSON body's top-level fields;
   * {@code jsonBody} is that body as received (what its signature covers), null for a form.
   */
  public record Request(WebhookKind kind, String publicUrl, Map<String, List<String>> params, String jsonBody,
      String signature, String idempotencyToken, String callbackCompanyId, String callbackEventId, String source) {}

  public IntakeResult receive(Request request) {
    long began = System.nanoTime();
    MDC.put("callSid", FormFields.first(request.params(), "CallSid"));
    try {
      IntakeResult result = process(request, began + maxHold.toNanos());
      metrics.webhook(request.kind(), result.outcome(), System.nanoTime() - began);
      return result;
    } finally {
      MDC.remove("callSid");
      MDC.remove("eventId");
      MDC.remove("companyId");
    }
  }

  /** Records a request whose body could not even be read as a form, so there is a trace of why it was refused. */
  public void rejectMalformed(WebhookKind kind, String publicUrl, String detail, String source) {
    WebhookReceived event = WebhookReceived.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setKind(kind)
        .setRequestUrl(publicUrl)
        .setParams(Map.of())
        .setReceivedAt(clock.instant())
        .setSignatureOutcome(SignatureOutcome.UNKNOWN)
        .build();
    recordRejected(rejection(event, UnroutableReason.MALFORMED, detail), source);
  }

  /** Writes a refusal to the rejection topic, unless this source has had its share of records lately. */
  private void recordRejected(UnroutableWebhook rejection, String source) {
    if (rejections.admit(source)) {
      publisher.recordRejected(rejection);
    } else {
      metrics.rejectionNotRecorded();
    }
  }

  /** @param deadline {@link System#nanoTime()} by which the webhook must be answered */
  private IntakeResult process(Request request, long deadline) {
    Map<String, List<String>> params = request.params();
    WebhookKind kind = request.kind();
    boolean callback = request.callbackCompanyId() != null;
    String rawAddress = FormFields.first(params, outboundApi(params) ? "From" : "To");
    WebhookReceived.Builder event = WebhookReceived.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setKind(kind)
        .setRawTenantAddress(rawAddress)
        .setCallSid(FormFields.first(params, "CallSid"))
        .setMessageSid(Optional.ofNullable(FormFields.first(params, "MessageSid"))
            .orElse(FormFields.first(params, "SmsSid")))
        .setAccountSid(FormFields.first(params, "AccountSid"))
        .setParentEventId(request.callbackEventId())
        .setRequestUrl(request.publicUrl())
        .setParams(params)
        .setIdempotencyToken(request.idempotencyToken())
        .setReceivedAt(clock.instant())
        .setSignatureOutcome(SignatureOutcome.UNKNOWN);

    String missing = missingField(kind, params, rawAddress, callback);
    if (missing != null) {
      recordRejected(rejection(event.build(), UnroutableReason.MALFORMED, "missing field " + missing),
          request.source());
      return IntakeResult.error(400, "Missing required field " + missing, IntakeResult.Outcome.MALFORMED);
    }
    TenantAddress address = rawAddress == null ? null : phoneNumbers.classify(rawAddress);
    String number = address instanceof TenantAddress.PhoneNumber phone ? phone.e164() : null;

    if (callback) {
      String companyId = request.callbackCompanyId();
      if (!signedBy(companyId, request)) {
        return reject(event.setTenantNumber(number).build(), List.of(companyId), request,
            "X-Twilio-Signature does not match the token of company " + companyId);
      }
      event.setSignatureOutcome(skipValidation ? SignatureOutcome.NOT_CHECKED : SignatureOutcome.VALID)
          .setCompanyId(companyId).setTenantNumber(callbackKey(companyId, number));
    } else {
      event.setTenantNumber(number);
      List<String> claimants = number == null ? List.of() : directory.claimants(number);
      if (claimants.isEmpty()) {
        // Nobody's number: only the account the request names may have signed it.
        List<String> account = directory.companiesOfAccount(FormFields.first(params, "AccountSid"));
        if (account.stream().noneMatch(id -> signedBy(id, request))) {
          return reject(event.build(), account, request, account.isEmpty()
              ? "no company claims the number and no company has the AccountSid the request names"
              : "no company claims the number and X-Twilio-Signature does not match the named account's token");
        }
        event.setSignatureOutcome(SignatureOutcome.NO_TENANT);
      } else {
        Optional<String> signer = claimants.stream().filter(id -> signedBy(id, request)).findFirst();
        if (signer.isEmpty()) {
          return reject(event.build(), claimants, request, "X-Twilio-Signature does not match any claimant's token");
        }
        event.setSignatureOutcome(skipValidation ? SignatureOutcome.NOT_CHECKED : SignatureOutcome.VALID)
            .setCompanyId(signer.get());
      }
    }
    return answerOnce(request, event, deadline);
  }

  /**
   * Answers an authenticated webhook once per Twilio idempotency token: a retry with the same token
   * and the same body gets the first attempt's answer under the same event id; the same token with
   * another body is refused. The token is consulted only here, after the signature was checked.
   */
  private IntakeResult answerOnce(Request request, WebhookReceived.Builder event, long deadline) {
    String token = request.idempotencyToken();
    if (token == null || token.isBlank()) {
      MDC.put("eventId", event.getEventId());
      return publishAndAnswer(event.build(), deadline);
    }
    // The same token always names the same event, on every instance, so downstream dedupes it too.
    event.setEventId(UUID.nameUUIDFromBytes(("twilio:" + token).getBytes(StandardCharsets.UTF_8)).toString());
    MDC.put("eventId", event.getEventId());
    RecentAnswers.Claim claim = recent.claim(token, RecentAnswers.fingerprint(request.params()));
    if (claim.conflict()) {
      return reject(event.build(), event.getCompanyId() == null ? List.of() : List.of(event.getCompanyId()), request,
          "I-Twilio-Idempotency-Token reused with a different body");
    }
    if (claim.earlier() != null) {
      log.debug("Twilio retried webhook {}; answering as the first attempt", event.getEventId());
      return claim.earlier().join();
    }
    IntakeResult result = null;
    try {
      result = publishAndAnswer(event.build(), deadline);
      return result;
    } finally {
      recent.complete(token, result == null ? UNAVAILABLE : result);
    }
  }

  private boolean signedBy(String companyId, Request request) {
    if (skipValidation) {
      log.warn("SIGNATURE NOT CHECKED for a webhook attributed to company {}: validation is switched off", companyId);
      return true;
    }
    return authenticator.signedBy(companyId, request.jsonBody() == null
        ? WebhookAuthenticator.Signed.form(request.publicUrl(), request.params(), request.signature())
        : WebhookAuthenticator.Signed.json(request.publicUrl(), request.jsonBody(), request.signature()));
  }

  /** 403 with no detail for the caller; the audit record names the companies and the reason, never a token. */
  private IntakeResult reject(WebhookReceived event, List<String> companies, Request request, String why) {
    String detail = request.signature() == null ? "no X-Twilio-Signature" : why;
    UnroutableWebhook rejection = rejection(event, UnroutableReason.SIGNATURE_INVALID, detail);
    rejection.setCompanyIds(new ArrayList<>(companies));
    recordRejected(rejection, request.source());
    log.warn("Rejected {} webhook from {}: {}", event.getKind(), request.source(), detail);
    return IntakeResult.error(403, "Forbidden", IntakeResult.Outcome.REJECTED);
  }

  /**
   * The key of a callback on twilio.webhooks: the called number when the company claims it (the
   * original leg), else the company's primary active number, so that it joins with a route of the
   * same company.
   */
  private String callbackKey(String companyId, String number) {
    if (number != null && directory.claimants(number).contains(companyId)) {
      return number;
    }
    return directory.company(companyId).map(WebhookIntake::primaryNumber).orElse(number);
  }

  private static String primaryNumber(CompanyConfig company) {
    return company.getPhoneNumbers().stream()
        .filter(e -> e.getE164() != null && e.getStatus() == NumberStatus.ACTIVE)
        .sorted((a, b) -> Boolean.compare(b.getPrimary(), a.getPrimary()))
        .map(PhoneNumberEntry::getE164).findFirst().orElse(null);
  }

  private IntakeResult publishAndAnswer(WebhookReceived event, long deadline) {
    if (event.getCompanyId() != null) {
      MDC.put("companyId", event.getCompanyId());
    }
    boolean unroutable = event.getSignatureOutcome() == SignatureOutcome.NO_TENANT;
    boolean wantsTwiml = ANSWERED_WITH_TWIML.contains(event.getKind());
    CompletableFuture<TwimlReply> reply = null;
    if (wantsTwiml) {
      // The answer is written to a partition this instance reads: no other instance reads it.
      event.setReplyPartition(replies.replyPartition().orElse(null));
      reply = replies.expect(event.getEventId());
    }
    try {
      publisher.publishDurably(event, remaining(deadline));
    } catch (KafkaUnavailableException e) {
      replies.forget(event.getEventId());
      log.error("Answering 503 for {}: {}", event.getEventId(), e.getMessage());
      return UNAVAILABLE;
    }
    if (!wantsTwiml) {
      return IntakeResult.twiml(EMPTY_RESPONSE,
          unroutable ? IntakeResult.Outcome.UNROUTABLE : IntakeResult.Outcome.ACKNOWLEDGED);
    }
    try {
      // What is left after the deferral's own write, within the reply budget.
      long wait = Math.max(0, Math.min(replyBudget.toMillis(),
          remaining(deadline).minus(publisher.ackTimeout()).toMillis()));
      TwimlReply answer = reply.get(wait, TimeUnit.MILLISECONDS);
      recordAnswer(event, answer.getCompanyId(), CallEventType.CALL_ANSWERED_INLINE);
      return IntakeResult.twiml(answer.getTwiml(),
          unroutable ? IntakeResult.Outcome.UNROUTABLE : IntakeResult.Outcome.INLINE);
    } catch (TimeoutException | ExecutionException e) {
      replies.forget(event.getEventId());
      log.warn("No TwiML for {} within {} ms; answered with a holding response and deferred", event.getEventId(),
          replyBudget.toMillis());
      metrics.replyBudgetMissed(event.getKind());
      defer(event, deadline);
      return IntakeResult.twiml(holding(event.getKind()),
          unroutable ? IntakeResult.Outcome.UNROUTABLE : IntakeResult.Outcome.DEFERRED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      defer(event, deadline);
      return IntakeResult.twiml(holding(event.getKind()), IntakeResult.Outcome.DEFERRED);
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private void defer(WebhookReceived event, long deadline) {
    recordAnswer(event, event.getCompanyId(), CallEventType.CALL_DEFERRED);
    if (event.getCompanyId() == null) {
      // Nobody's client could apply a later answer: the holding answer is final.
      return;
    }
    publisher.recordDeferral(CallDeferred.newBuilder()
        .setEventId(event.getEventId())
        .setKind(event.getKind())
        .setCompanyId(event.getCompanyId())
        .setCallSid(event.getCallSid())
        .setMessageSid(event.getMessageSid())
        .setTenantNumber(event.getTenantNumber())
        .setFrom(FormFields.first(event.getParams(), "From"))
        .setDeferredAt(clock.instant())
        .build(), event.getReplyPartition(), remaining(deadline));
  }

  private void recordAnswer(WebhookReceived event, String companyId, CallEventType type) {
    if (event.getKind() != WebhookKind.VOICE) {
      return;
    }
    publisher.recordCallEvent(event.getCallSid(), CallEvent.newBuilder()
        .setEventId(event.getEventId())
        .setType(type)
        .setCallSid(event.getCallSid())
        .setCompanyId(companyId)
        .setTenantNumber(event.getTenantNumber())
        .setFrom(FormFields.first(event.getParams(), "From"))
        .setTo(FormFields.first(event.getParams(), "To"))
        .setOccurredAt(clock.instant())
        .build());
  }

  static String holding(WebhookKind kind) {
    if (kind == WebhookKind.SMS) {
      return EMPTY_MESSAGING_RESPONSE;
    }
    return HOLDING_VOICE_RESPONSE;
  }

  private static String missingField(WebhookKind kind, Map<String, List<String>> params, String rawAddress,
      boolean callback) {
    if (kind == WebhookKind.SMS) {
      if (FormFields.first(params, "MessageSid") == null && FormFields.first(params, "SmsSid") == null) {
        return "MessageSid";
      }
    } else if (FormFields.first(params, "CallSid") == null) {
      return "CallSid";
    }
    if (rawAddress == null && !callback) {
      return outboundApi(params) ? "From" : "To";
    }
    return null;
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
    return "outbound-api".equals(FormFields.first(params, "Direction"));
  }

}
