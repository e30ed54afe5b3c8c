package io.switchboard.callhandler;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param publicBaseUrl {@code switchboard.call-handler.public-base-url}: the URL at which Twilio reaches the
 *     ingress, used in callback URLs of the TwiML (e.g. https://switchboard.example.com)
 * @param groupId {@code switchboard.call-handler.group-id}: consumer group of the handler
 */
@Validated
@ConfigurationProperties("switchboard.call-handler")
public record CallHandlerProperties(@NotBlank String publicBaseUrl, String groupId) {

  public CallHandlerProperties {
    groupId = groupId == null || groupId.isBlank() ? "call-handler" : groupId;
  }
}
