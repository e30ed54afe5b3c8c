package io.switchboard.domain.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.ops.JsonErrors;
import io.switchboard.kafka.KafkaReachability;
import io.switchboard.kafka.ReadinessCheck;
import io.switchboard.domain.ops.SwitchboardHealthIndicator;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.twilio.TwilioApiTarget;
import io.switchboard.domain.twilio.TwilioClientFactory;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;

/** The shared building blocks each process wires from {@link SwitchboardProperties}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SwitchboardProperties.class)
@Import(JsonErrors.class)
public class SwitchboardBeans {

  @Bean(destroyMethod = "close")
  public KafkaClients kafkaClients(SwitchboardProperties props, ObjectProvider<MeterRegistry> meters) {
    return new KafkaClients(props.kafkaBootstrapServers(),
        new SchemaRegistryClient(props.schemaRegistryUrl(), props.schemaRegistry().auth()),
        props.kafka().properties(), meters.getIfAvailable()).withInstanceId(props.instanceId());
  }

  @Bean(destroyMethod = "close")
  public KafkaReachability kafkaReachability(KafkaClients clients,
      @Value("${spring.application.name:switchboard}") String process) {
    return new KafkaReachability(clients.adminProperties(process + "-readiness"), Clock.systemUTC());
  }

  /** The process's readiness: every {@link ReadinessCheck} bean it has. */
  @Bean
  public SwitchboardHealthIndicator switchboard(ObjectProvider<ReadinessCheck> checks) {
    return new SwitchboardHealthIndicator(() -> checks.orderedStream().toList());
  }

  /** Every meter names the process it comes from, as several may run in one JVM. */
  @Bean
  public MeterRegistryCustomizer<MeterRegistry> processTag(
      @Value("${spring.application.name:switchboard}") String process) {
    return registry -> registry.config().commonTags("application", process);
  }

  @Bean
  public PhoneNumbers phoneNumbers(SwitchboardProperties props) {
    return new PhoneNumbers(props.defaultPhoneRegion());
  }

  @Bean
  @Lazy
  public CredentialCipher credentialCipher(ObjectProvider<CredentialKeysetProperties> keysets) throws IOException {
    CredentialKeysetProperties keyset = keysets.getIfAvailable();
    if (keyset == null) {
      throw new IllegalStateException("this process does not declare CredentialKeysetProperties: it reads no token");
    }
    return CredentialCipher.fromKeysetJson(keyset.fromFile()
        ? Files.readString(Path.of(keyset.credentialKeysetFile())) : keyset.credentialKeyset());
  }

  @Bean
  @Lazy
  public TwilioClientFactory twilioClientFactory(SwitchboardProperties props) {
    String base = props.twilioApiBaseUrl();
    return new TwilioClientFactory(base == null || base.isBlank() ? TwilioApiTarget.live() : TwilioApiTarget.standIn(base));
  }
}
