package io.switchboard.domain.config;

import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.twilio.TwilioApiTarget;
import io.switchboard.domain.twilio.TwilioClientFactory;
import io.switchboard.schemas.kafka.KafkaClients;
import io.switchboard.schemas.registry.SchemaRegistryClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The shared building blocks each process wires from {@link SwitchboardProperties}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardBeans {

  @Bean
  public KafkaClients kafkaClients(SwitchboardProperties props) {
    return new KafkaClients(props.kafkaBootstrapServers(), new SchemaRegistryClient(props.schemaRegistryUrl()));
  }

  @Bean
  public PhoneNumbers phoneNumbers(SwitchboardProperties props) {
    return new PhoneNumbers(props.defaultPhoneRegion());
  }

  @Bean
  @Lazy
  public CredentialCipher credentialCipher(SwitchboardProperties props) throws java.io.IOException {
    if (props.credentialKeysetFile() != null && !props.credentialKeysetFile().isBlank()) {
      return CredentialCipher.fromKeysetJson(java.nio.file.Files.readString(java.nio.file.Path.of(
          props.credentialKeysetFile())));
    }
    if (props.credentialKeyset() == null || props.credentialKeyset().isBlank()) {
      throw new IllegalStateException(
          "switchboard.credential-keyset or switchboard.credential-keyset-file is required by this process");
    }
    return CredentialCipher.fromKeysetJson(props.credentialKeyset());
  }

  @Bean
  @Lazy
  public TwilioClientFactory twilioClientFactory(SwitchboardProperties props) {
    String base = props.twilioApiBaseUrl();
    return new TwilioClientFactory(base == null || base.isBlank() ? TwilioApiTarget.live() : TwilioApiTarget.standIn(base));
  }
}
