package io.switchboard.health;

import io.swagger.v3.oas.models.OpenAPI;
import io.switchboard.domain.security.ApiDescriptions;
import org.springdoc.core.customizers.OpenApiCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.domain.config.CredentialKeysetProperties;
import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.kafka.ManagedContainer;
import io.switchboard.kafka.TopicReplica;
import io.switchboard.domain.security.JwtApiSecurity;
import io.switchboard.domain.twilio.TwilioClientFactory;
import io.switchboard.domain.twilio.CredentialCheck;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.HealthAlert;
import io.switchboard.schemas.tenants.TenantHealth;
import io.switchboard.domain.ops.ProcessDefaults;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The health-monitor process: each tenant's Twilio credentials checked with its own client, results
 * on tenants.health, alerts on transitions, and the admins' dependency-health endpoint.
 */
@SpringBootApplication
@Import({SwitchboardBeans.class, JwtApiSecurity.class})
@EnableConfigurationProperties({HealthProperties.class, CredentialKeysetProperties.class})
public class HealthMonitorApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /** The application, reading {@code health-monitor.properties}. */
  public static SpringApplicationBuilder builder() {
    return ProcessDefaults.application(HealthMonitorApplication.class, "health-monitor");
  }

  @Bean(destroyMethod = "close")
  KafkaProducer<String, TenantHealth> healthProducer(KafkaClients clients) {
    return clients.producer(Topics.TENANT_HEALTH, "health-monitor");
  }

  @Bean(destroyMethod = "close")
  KafkaProducer<String, HealthAlert> alertProducer(KafkaClients clients) {
    return clients.producer(Topics.ALERTS, "health-monitor-alerts");
  }

  @Bean
  HealthTracker healthTracker(HealthProperties props) {
    return new HealthTracker(props.confirmations(), Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  HealthScheduler healthScheduler(CredentialCipher cipher, TwilioClientFactory twilio, HealthProperties props,
      HealthTracker tracker, KafkaProducer<String, TenantHealth> healthProducer,
      KafkaProducer<String, HealthAlert> alertProducer, ObjectProvider<MeterRegistry> meters) {
    CredentialCheck check = new CredentialCheck(cipher, twilio, props.degradedAfter(), Clock.systemUTC());
    HealthScheduler scheduler = new HealthScheduler(check, tracker,
        health -> healthProducer.send(new ProducerRecord<>(Topics.TENANT_HEALTH.name(), health.getCompanyId(), health)),
        alert -> alertProducer.send(new ProducerRecord<>(Topics.ALERTS.name(), alert.getCompanyId(), alert)),
        props.period(), props.maxConcurrentChecks(), meters.getIfAvailable(SimpleMeterRegistry::new));
    if (props.hasGlobalCredentials()) {
      scheduler.watchGlobal(props.globalAccountSid(), new Secret(props.globalAuthToken()));
    }
    return scheduler;
  }

  /**
   * Every company's configuration, for the scheduler. Made after the tenant shares, so that the
   * scheduler checks only its own share from the first company on.
   */
  @Bean(destroyMethod = "close")
  TopicReplica<CompanyConfig> healthCompanyReplica(KafkaClients clients, HealthScheduler scheduler,
      TenantShares tenantShares) {
    return new TopicReplica<>(Topics.COMPANY_CONFIG, clients, scheduler::onCompany).start(Duration.ofSeconds(60));
  }

  /** Every tenant's last published health: where a takeover starts from, and the cluster-wide report. */
  @Bean(destroyMethod = "close")
  TopicReplica<TenantHealth> publishedHealth(KafkaClients clients) {
    return new TopicReplica<>(Topics.TENANT_HEALTH, clients, (id, health) -> { }).start(Duration.ofSeconds(60));
  }

  /** The tenants this instance checks: its share of the company-config partitions in the monitors' group. */
  @Bean
  TenantShares tenantShares(KafkaClients clients, HealthProperties props, HealthScheduler scheduler,
      TopicReplica<TenantHealth> publishedHealth) {
    TenantShares shares = new TenantShares(clients, props.groupId(), scheduler);
    scheduler.share(shares::owns, publishedHealth::get);
    return shares;
  }

  @Bean
  ManagedContainer tenantSharesLifecycle(TenantShares shares) {
    return new ManagedContainer("health-shares", shares.container());
  }

  /** The API's description at /v3/api-docs, generated from the controllers. */
  @Bean
  OpenAPI apiDescription() {
    return ApiDescriptions.openApi("Switchboard health monitor API",
        "Every tenant's Twilio health, as the seed platform reported it.");
  }

  @Bean
  OpenApiCustomizer apiErrorShapes() {
    return ApiDescriptions.commonErrors();
  }
}
