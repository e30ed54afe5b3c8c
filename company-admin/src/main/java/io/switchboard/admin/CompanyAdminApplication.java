package io.switchboard.admin;

import io.swagger.v3.oas.models.OpenAPI;
import io.switchboard.domain.security.ApiDescriptions;
import org.springdoc.core.customizers.OpenApiCustomizer;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.admin.console.RecentByCompany;
import io.switchboard.admin.console.ResolverClient;
import io.switchboard.admin.http.TwilioConfigDocuments;
import io.switchboard.kafka.DeadLetters;
import io.switchboard.kafka.ManagedContainer;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.tenants.HealthAlert;
import io.switchboard.schemas.tenants.PhoneRoute;
import io.switchboard.admin.mongo.CompanyStore;
import io.switchboard.admin.twilio.CredentialVerifier;
import io.switchboard.domain.config.CredentialKeysetProperties;
import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.domain.config.SwitchboardProperties;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.security.JwtApiSecurity;
import io.switchboard.domain.twilio.TwilioApiTarget;
import com.twilio.rest.api.v2010.Account;
import io.switchboard.kafka.TopicReplica;
import io.switchboard.domain.twilio.CredentialCheck;
import io.switchboard.domain.twilio.TwilioClientFactory;
import io.switchboard.schemas.tenants.SmsOptOut;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Duration;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.domain.ops.ProcessDefaults;
import java.time.Clock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The company-admin process: the company configuration API over MongoDB, outbound SMS and calls, and
 * the company console (server-rendered pages at /console). Callers authenticate with JWTs; credentials are checked with Twilio before they are stored, stored
 * encrypted, and only ever shown masked.
 */
@SpringBootApplication
@Import({SwitchboardBeans.class, JwtApiSecurity.class})
@EnableConfigurationProperties({AdminProperties.class, CredentialKeysetProperties.class})
public class CompanyAdminApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /** The application, reading {@code company-admin.properties}. */
  public static SpringApplicationBuilder builder() {
    return ProcessDefaults.application(CompanyAdminApplication.class, "company-admin");
  }

  @Bean(destroyMethod = "close")
  MongoClient adminMongo(AdminProperties props) {
    return MongoClients.create(props.mongoUri());
  }

  @Bean
  CompanyStore companyStore(MongoClient mongo, AdminProperties props) {
    CompanyStore store = new CompanyStore(mongo.getDatabase(props.database()).getCollection(props.collection()));
    if (props.uniqueNumberIndex()) {
      store.ensureIndexes();
    }
    return store;
  }

  @Bean
  CredentialVerifier credentialVerifier(SwitchboardProperties props) {
    String base = props.twilioApiBaseUrl();
    return new CredentialVerifier(base == null || base.isBlank() ? TwilioApiTarget.live() : TwilioApiTarget.standIn(base));
  }

  /** Who has opted out of each company's SMS, for the outbound SMS API to honour. */
  @Bean(destroyMethod = "close")
  TopicReplica<SmsOptOut> smsOptOuts(KafkaClients clients) {
    return new TopicReplica<>(Topics.SMS_OPT_OUTS, clients, (key, optOut) -> { }).start(Duration.ofSeconds(60));
  }

  /** Each company's last health check, from the health monitor, for the company list. */
  @Bean(destroyMethod = "close")
  TopicReplica<TenantHealth> companyHealth(KafkaClients clients) {
    return new TopicReplica<>(Topics.TENANT_HEALTH, clients, (id, health) -> { }).start(Duration.ofSeconds(60));
  }

  /**
   * Test connection checks with a client of its own per request, closed after it: credentials that
   * are not saved are never cached.
   */
  @Bean
  CredentialCheck testConnection(CredentialCipher cipher, SwitchboardProperties props) {
    String base = props.twilioApiBaseUrl();
    TwilioApiTarget target = base == null || base.isBlank() ? TwilioApiTarget.live() : TwilioApiTarget.standIn(base);
    return new CredentialCheck(cipher, credentials -> TwilioClientFactory.withOwnClient(target, credentials,
        // The health monitor's default threshold for DEGRADED.
        client -> Account.fetcher(credentials.accountSid()).fetch(client)), Duration.ofSeconds(2), Clock.systemUTC());
  }

  @Bean
  TwilioConfigDocuments twilioConfigDocuments(CredentialCipher cipher, PhoneNumbers phones) {
    return new TwilioConfigDocuments(cipher, phones, Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  KafkaProducer<String, SideEffect> smsRequests(KafkaClients clients) {
    return clients.producer(Topics.SIDE_EFFECTS, "company-admin-sms");
  }

  /** Every number's route, for the console to confirm when a change is live. */
  @Bean(destroyMethod = "close")
  TopicReplica<PhoneRoute> consoleRoutes(KafkaClients clients) {
    return new TopicReplica<>(Topics.PHONE_ROUTES, clients, (number, route) -> { }).start(Duration.ofSeconds(60));
  }

  /** Each company's recent calls and messages (the last day, 100 each), for the console. */
  @Bean
  RecentByCompany<CallEvent> consoleCalls(KafkaClients clients) {
    return new RecentByCompany<>(clients, Topics.CALL_EVENTS, CallEvent::getCompanyId, 100, 10_000, Duration.ofDays(1));
  }

  /** Each company's recent health alerts (the last week, 20 each), for the console. */
  @Bean
  RecentByCompany<HealthAlert> consoleAlerts(KafkaClients clients) {
    return new RecentByCompany<>(clients, Topics.ALERTS, HealthAlert::getCompanyId, 20, 10_000, Duration.ofDays(7));
  }

  @Bean
  ManagedContainer consoleCallsLifecycle(RecentByCompany<CallEvent> consoleCalls) {
    return consoleCalls.container();
  }

  @Bean
  ManagedContainer consoleAlertsLifecycle(RecentByCompany<HealthAlert> consoleAlerts) {
    return consoleAlerts.container();
  }

  @Bean
  ResolverClient resolverClient(AdminProperties props) {
    return new ResolverClient(props.resolverUrl());
  }

  @Bean
  DeadLetters deadLetters(KafkaClients clients) {
    return new DeadLetters(clients, "company-admin-console");
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /** The API's description at /v3/api-docs, generated from the controllers. */
  @Bean
  OpenAPI apiDescription() {
    return ApiDescriptions.openApi("Switchboard company API",
        "Each company's Twilio configuration, numbers, test connection and outbound SMS; the admins' company list.");
  }

  @Bean
  OpenApiCustomizer apiErrorShapes() {
    return ApiDescriptions.commonErrors();
  }
}
