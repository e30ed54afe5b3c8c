package io.switchboard.ingress;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param publicBaseUrl {@code switchboard.ingress.public-base-url}: the scheme, host and port Twilio calls
 *     (e.g. https://switchboard.example.com). Signatures are computed over this URL, so set it when
 *     the ingress runs behind a TLS-terminating proxy. Required, unless the environment is local, where
 *     the URL the request arrived on is used
 * @param replyBudget {@code switchboard.ingress.reply-budget}: how long a webhook waits for its TwiML before
 *     the holding answer (Twilio gives up after 15 s)
 * @param kafkaAckTimeout {@code switchboard.ingress.kafka-ack-timeout}: how long to wait for Kafka to
 *     acknowledge a webhook before answering 503
 * @param maxBodyBytes {@code switchboard.ingress.max-body-bytes}: larger webhook bodies are refused with 413
 * @param skipSignatureValidation {@code switchboard.ingress.skip-signature-validation}: accept unsigned webhooks, for
 *     a local demo only; refused unless {@code switchboard.ingress.environment} is {@code local}
 * @param environment {@code switchboard.ingress.environment}: {@code production} (default) or {@code local}
 * @param maxHold {@code switchboard.ingress.max-hold}: the longest the ingress holds one webhook, every wait
 *     included (durable write, reply budget, deferral write); at most 14 s, as Twilio gives up after 15 s
 * @param replyGroupId {@code switchboard.ingress.reply-group-id}: the consumer group in which the ingress
 *     instances share the partitions of switchboard.replies (ingress-replies by default)
 */
@Validated
@ConfigurationProperties("switchboard.ingress")
public record IngressProperties(String publicBaseUrl, Duration replyBudget, Duration kafkaAckTimeout,
    Integer maxBodyBytes, Boolean skipSignatureValidation, String environment,
    Duration maxHold, String replyGroupId) {

  /** Twilio waits 15 s for an answer; one second is left for the network. */
  public static final Duration TWILIO_LIMIT = Duration.ofSeconds(14);

  public IngressProperties {
    replyBudget = replyBudget == null ? Duration.ofSeconds(2) : replyBudget;
    kafkaAckTimeout = kafkaAckTimeout == null ? Duration.ofSeconds(5) : kafkaAckTimeout;
    maxBodyBytes = maxBodyBytes == null ? 64 * 1024 : maxBodyBytes;
    skipSignatureValidation = Boolean.TRUE.equals(skipSignatureValidation);
    environment = environment == null || environment.isBlank() ? "production" : environment;
    if (skipSignatureValidation && !"local".equals(environment)) {
      throw new IllegalArgumentException("switchboard.ingress.skip-signature-validation=true is refused unless "
          + "switchboard.ingress.environment=local: webhooks would be accepted from anyone");
    }
    maxHold = maxHold == null ? Duration.ofSeconds(12) : maxHold;
    replyGroupId = replyGroupId == null || replyGroupId.isBlank() ? "ingress-replies" : replyGroupId;
    if (replyBudget.isNegative() || kafkaAckTimeout.isNegative() || kafkaAckTimeout.isZero()) {
      throw new IllegalArgumentException("switchboard.ingress.reply-budget and kafka-ack-timeout must be positive");
    }
    if (maxHold.compareTo(TWILIO_LIMIT) > 0) {
      throw new IllegalArgumentException("switchboard.ingress.max-hold is " + maxHold.toMillis() + " ms: at most "
          + TWILIO_LIMIT.toMillis() + " ms, as Twilio gives up on a webhook after 15 s");
    }
    Duration needed = replyBudget.plus(kafkaAckTimeout.multipliedBy(2));
    if (needed.compareTo(maxHold) > 0) {
      throw new IllegalArgumentException("switchboard.ingress.reply-budget (" + replyBudget.toMillis()
          + " ms) + 2 x kafka-ack-timeout (" + kafkaAckTimeout.toMillis() + " ms, the webhook's and the deferral's "
          + "writes) = " + needed.toMillis() + " ms exceeds switchboard.ingress.max-hold (" + maxHold.toMillis()
          + " ms; Twilio gives up after 15 s)");
    }
    if ((publicBaseUrl == null || publicBaseUrl.isBlank()) && !"local".equals(environment)) {
      throw new IllegalArgumentException("switchboard.ingress.public-base-url is required (the https:// URL Twilio "
          + "calls, which signatures cover) unless switchboard.ingress.environment=local");
    }
    if (publicBaseUrl != null && publicBaseUrl.endsWith("/")) {
      publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
    }
  }
}
