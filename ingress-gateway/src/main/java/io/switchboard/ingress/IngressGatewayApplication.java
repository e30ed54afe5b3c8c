package io.switchboard.ingress;

import io.switchboard.domain.config.CredentialKeysetProperties;
import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.kafka.TopicReplica;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.ingress.kafka.EventPublisher;
import io.switchboard.ingress.kafka.ReplyWaiter;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.domain.ops.ProcessDefaults;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The ingress-gateway process. Its credential replica and its position on the reply topic are
 * ready before the HTTP server accepts the first webhook.
 */
@SpringBootApplication
@Import(SwitchboardBeans.class)
@EnableConfigurationProperties({IngressProperties.class, CredentialKeysetProperties.class})
public class IngressGatewayApplication {

  /** Refusals recorded per source: 100 at once, then 600 a minute; 10,000 sources tracked. */
  static final long REJECTIONS_BURST = 100;
  static final long REJECTIONS_PER_MINUTE = 600;
  static final long REJECTION_SOURCES = 10_000;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(IngressGatewayApplication.class);

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * The application, reading its settings from {@code ingress-gateway.properties} rather than a shared
   * {@code application.properties}, so that several Switchboard processes can share one class path.
   */
  public static SpringApplicationBuilder builder() {
    return ProcessDefaults.application(IngressGatewayApplication.class, "ingress-gateway");
  }

  @Bean
  TenantDirectory tenantDirectory(CredentialCipher cipher, IngressProperties props) {
    return new TenantDirectory(cipher, Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  TopicReplica<CompanyConfig> companyConfigReplica(KafkaClients clients, TenantDirectory directory) {
    return new TopicReplica<>(Topics.COMPANY_CONFIG, clients, directory).start(Duration.ofSeconds(60));
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  ReplyWaiter replyWaiter(KafkaClients clients, IngressProperties props) {
    return new ReplyWaiter(clients, props.replyGroupId());
  }

  @Bean(destroyMethod = "close")
  EventPublisher eventPublisher(KafkaClients clients, IngressProperties props) {
    return new EventPublisher(clients, props.kafkaAckTimeout());
  }

  @Bean
  WebhookAuthenticator webhookAuthenticator(TenantDirectory directory) {
    return new WebhookAuthenticator(directory);
  }

  @Bean
  WebhookIntake webhookIntake(PhoneNumbers phoneNumbers, TenantDirectory directory, WebhookAuthenticator authenticator,
      EventPublisher publisher, ReplyWaiter replies, IngressProperties props,
      TopicReplica<CompanyConfig> loadedReplica, MeterRegistry meters) {
    if (props.skipSignatureValidation()) {
      log.warn("""

          ************************************************************************
          *  X-Twilio-Signature VALIDATION IS OFF (switchboard.ingress.           *
          *  skip-signature-validation=true, environment=local). Anyone can post  *
          *  webhooks as any company. Never run this configuration in production. *
          ************************************************************************""");
    }
    return new WebhookIntake(phoneNumbers, directory, authenticator, publisher, replies, props.replyBudget(),
        props.maxHold(),
        Clock.systemUTC(), props.skipSignatureValidation(), new IngressMetrics(meters),
        new RejectionLimiter(REJECTIONS_BURST, REJECTIONS_PER_MINUTE, REJECTION_SOURCES));
  }
}
