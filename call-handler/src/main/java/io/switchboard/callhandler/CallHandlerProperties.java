package io.switchboard.callhandler;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param publicBaseUrl {@code switchboard.call-handler.public-base-url}: the URL at which Twilio reaches the
 *     ingress, used in callback URLs of the TwiML (e.g. https://switchboard.example.com)
 * @param groupId {@code switchboard.call-handler.group-id}: consumer group of the handler
 * @param stateDir {@code switchboard.call-handler.state-dir}: state of the deferral join; empty for a temporary folder
 * @param sideEffectThreads {@code switchboard.call-handler.side-effect-threads}: threads calling Twilio, shared by tenants
 * @param retryAttempts {@code switchboard.call-handler.retry-attempts}: attempts at a side effect on 429/5xx
 * @param retryBaseDelay {@code switchboard.call-handler.retry-base-delay}: first backoff; doubles per attempt, with jitter
 * @param retryMaxDelay {@code switchboard.call-handler.retry-max-delay}: longest backoff
 * @param sideEffectMaxInFlight {@code switchboard.call-handler.side-effect-max-in-flight}: side effects in progress
 *     per partition before the partition is paused (bounds memory while a tenant's Twilio is failing)
 */
@Validated
@ConfigurationProperties("switchboard.call-handler")
public record CallHandlerProperties(@NotBlank String publicBaseUrl, String groupId, String stateDir,
    Integer sideEffectThreads, Integer retryAttempts, Duration retryBaseDelay, Duration retryMaxDelay,
    Integer sideEffectMaxInFlight) {

  public CallHandlerProperties {
    groupId = groupId == null || groupId.isBlank() ? "call-handler" : groupId;
    sideEffectThreads = sideEffectThreads == null ? 8 : sideEffectThreads;
    retryAttempts = retryAttempts == null ? 5 : retryAttempts;
    retryBaseDelay = retryBaseDelay == null ? Duration.ofMillis(200) : retryBaseDelay;
    retryMaxDelay = retryMaxDelay == null ? Duration.ofSeconds(5) : retryMaxDelay;
    sideEffectMaxInFlight = sideEffectMaxInFlight == null ? 1_000 : sideEffectMaxInFlight;
    if (sideEffectThreads < 1 || retryAttempts < 1 || sideEffectMaxInFlight < 2) {
      throw new IllegalArgumentException("switchboard.call-handler.side-effect-threads and retry-attempts must be at"
          + " least 1, side-effect-max-in-flight at least 2");
    }
  }
}
