package io.switchboard.domain.config;

import io.switchboard.schemas.registry.RegistryAuth;
import jakarta.validation.constraints.NotBlank;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every Switchboard process shares, under {@code switchboard.*}. A missing or invalid
 * value stops the process at start-up with a message naming the key. {@link #toString()} shows no
 * secret.
 *
 * @param kafkaBootstrapServers {@code switchboard.kafka-bootstrap-servers}: Kafka brokers, host:port list
 * @param schemaRegistryUrl {@code switchboard.schema-registry-url}: base URL of a registry with the
 *     Confluent REST API (Apicurio: .../apis/ccompat/v7)
 * @param defaultPhoneRegion {@code switchboard.default-phone-region}: region for numbers written without a country code
 * @param twilioApiBaseUrl {@code switchboard.twilio-api-base-url}: empty for Twilio itself, or the
 *     http://host:port of a stand-in of its API
 * @param kafka {@code switchboard.kafka.properties.*}: Kafka client settings given to every
 *     producer, consumer, admin client and Streams app (SASL, TLS, ...)
 * @param schemaRegistry {@code switchboard.schema-registry.*}: how to authenticate to the registry
 * @param instanceId {@code switchboard.instance-id}: a name for this instance that stays the same across its
 *     restarts (a StatefulSet pod's name, a host name); when set, the process's Kafka Streams apps are
 *     static members of their groups, so a restart hands their tasks over at once instead of after
 *     the group's session timeout
 */
@Validated
@ConfigurationProperties("switchboard")
public record SwitchboardProperties(
    @NotBlank String kafkaBootstrapServers,
    @NotBlank String schemaRegistryUrl,
    String defaultPhoneRegion,
    String twilioApiBaseUrl,
    Kafka kafka,
    Registry schemaRegistry,
    String instanceId) {

  public SwitchboardProperties {
    defaultPhoneRegion = defaultPhoneRegion == null || defaultPhoneRegion.isBlank() ? "US" : defaultPhoneRegion;
    kafka = kafka == null ? new Kafka(Map.of()) : kafka;
    schemaRegistry = schemaRegistry == null ? new Registry(null, null, null, null, null) : schemaRegistry;
  }

  /** @param properties Kafka client settings, by their Kafka names ({@code security.protocol}, ...) */
  public record Kafka(Map<String, String> properties) {

    public Kafka {
      properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    @Override
    public String toString() {
      return "Kafka[properties=" + new TreeMap<>(properties).entrySet().stream()
          .map(e -> e.getKey() + "=" + (secret(e.getKey()) ? "****" : e.getValue()))
          .collect(Collectors.joining(", ", "{", "}")) + "]";
    }

    private static boolean secret(String key) {
      String k = key.toLowerCase(Locale.ROOT);
      return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
          || k.contains("key");
    }
  }

  /**
   * @param basicAuthUserInfo {@code switchboard.schema-registry.basic-auth-user-info}: {@code user:password}
   * @param bearerToken {@code switchboard.schema-registry.bearer-token}
   * @param trustStore {@code switchboard.schema-registry.trust-store}: path of a PKCS12 or JKS trust store
   * @param trustStorePassword {@code switchboard.schema-registry.trust-store-password}
   * @param trustStoreType {@code switchboard.schema-registry.trust-store-type}: PKCS12 (default) or JKS
   */
  public record Registry(String basicAuthUserInfo, String bearerToken, String trustStore, String trustStorePassword,
      String trustStoreType) {

    public RegistryAuth auth() {
      return new RegistryAuth(basicAuthUserInfo, bearerToken, trustStore, trustStorePassword, trustStoreType);
    }

    @Override
    public String toString() {
      return auth().toString();
    }
  }

  @Override
  public String toString() {
    return "SwitchboardProperties[kafkaBootstrapServers=" + kafkaBootstrapServers + ", schemaRegistryUrl="
        + schemaRegistryUrl + ", defaultPhoneRegion=" + defaultPhoneRegion
        + ", twilioApiBaseUrl=" + twilioApiBaseUrl + ", kafka=" + kafka + ", schemaRegistry=" + schemaRegistry + "]";
  }
}
