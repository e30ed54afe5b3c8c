package io.switchboard.health;

import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.kafka.TopicReplica;
import io.switchboard.domain.twilio.TwilioClientFactory;
import io.switchboard.health.twilio.CredentialCheck;
import io.switchboard.schemas.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The health-monitor process: each tenant's Twilio credentials checked, results on tenants.health. */
@SpringBootApplication
@Import(SwitchboardBeans.class)
@EnableConfigurationProperties(HealthProperties.class)
public class HealthMonitorApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /** The application, reading {@code health-monitor.properties}. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(HealthMonitorApplication.class).properties("spring.config.name=health-monitor");
  }

  @Bean(destroyMethod = "close")
  KafkaProducer<String, TenantHealth> healthProducer(KafkaClients clients) {
    return clients.producer(Topics.TENANT_HEALTH, "health-monitor");
  }

  @Bean(destroyMethod = "close")
  HealthScheduler healthScheduler(CredentialCipher cipher, TwilioClientFactory twilio, HealthProperties props,
      KafkaProducer<String, TenantHealth> producer) {
    CredentialCheck check = new CredentialCheck(cipher, twilio, props.degradedAfter(), Clock.systemUTC());
    return new HealthScheduler(check,
        health -> producer.send(new ProducerRecord<>(Topics.TENANT_HEALTH.name(), health.getCompanyId(), health)),
        props.period(), props.maxConcurrentChecks());
  }

  @Bean(destroyMethod = "close")
  TopicReplica<CompanyConfig> healthCompanyReplica(KafkaClients clients, HealthScheduler scheduler) {
    return new TopicReplica<>(Topics.COMPANY_CONFIG, clients, scheduler::onCompany).start(Duration.ofSeconds(60));
  }
}
