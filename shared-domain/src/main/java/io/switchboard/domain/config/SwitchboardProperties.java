package io.switchboard.domain.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every Switchboard process shares, under {@code switchboard.*}. A missing or invalid
 * value stops the process at start-up with a message naming the key.
 *
 * @param kafkaBootstrapServers {@code switchboard.kafka-bootstrap-servers}: Kafka brokers, host:port list
 * @param schemaRegistryUrl {@code switchboard.schema-registry-url}: base URL of a registry with the
 *     Confluent REST API (Apicurio: .../apis/ccompat/v7)
 * @param credentialKeyset {@code switchboard.credential-keyset}: Tink keyset (JSON) that encrypts credentials
 * @param credentialKeysetFile {@code switchboard.credential-keyset-file}: a file holding that keyset, instead
 * @param defaultPhoneRegion {@code switchboard.default-phone-region}: region for numbers written without a country code
 * @param twilioApiBaseUrl {@code switchboard.twilio-api-base-url}: empty for Twilio itself, or the
 *     http://host:port of a stand-in of its API
 */
@Validated
@ConfigurationProperties("switchboard")
public record SwitchboardProperties(
    @NotBlank String kafkaBootstrapServers,
    @NotBlank String schemaRegistryUrl,
    String credentialKeyset,
    String credentialKeysetFile,
    String defaultPhoneRegion,
    String twilioApiBaseUrl) {

  public SwitchboardProperties {
    defaultPhoneRegion = defaultPhoneRegion == null || defaultPhoneRegion.isBlank() ? "US" : defaultPhoneRegion;
  }
}
