package io.switchboard.callhandler;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.callhandler.effects.DeferralTopology;
import io.switchboard.callhandler.effects.KafkaReplyLookup;
import io.switchboard.callhandler.effects.OutcomeStore;
import io.switchboard.kafka.TopicReplica;
import io.switchboard.domain.twilio.TenantClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.callhandler.effects.RetryPolicy;
import io.switchboard.callhandler.effects.SideEffectWorker;
import io.switchboard.callhandler.kafka.AnswerTopology;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.twilio.TwilioClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import io.switchboard.kafka.ManagedContainer;
import io.switchboard.domain.config.CredentialKeysetProperties;
import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.domain.ops.ProcessDefaults;
import io.switchboard.kafka.ManagedStreams;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The call-handler process: resolved webhooks to TwiML replies and call events. */
@SpringBootApplication
@Import(SwitchboardBeans.class)
@EnableConfigurationProperties({CallHandlerProperties.class, CredentialKeysetProperties.class})
public class CallHandlerApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * The application, reading its settings from {@code call-handler.properties} rather than a shared
   * {@code application.properties}, so that several Switchboard processes can share one class path.
   */
  public static SpringApplicationBuilder builder() {
    return ProcessDefaults.application(CallHandlerApplication.class, "call-handler");
  }

  @Bean
  CallHandlerMetrics callHandlerMetrics(MeterRegistry meters) {
    return new CallHandlerMetrics(meters);
  }

  /**
   * The answering stage: resolved and unroutable webhooks to TwiML replies and call events. Its
   * application id is the handler's group id, so it goes on from the offsets the group committed.
   */
  @Bean(destroyMethod = "close")
  KafkaStreams answerStreams(KafkaClients clients, CallHandlerProperties props, CallHandlerMetrics metrics)
      throws IOException {
    KafkaStreams streams = new KafkaStreams(
        AnswerTopology.build(clients, new TwimlFactory(new CallbackUrls(props.publicBaseUrl())), Clock.systemUTC(),
            metrics),
        AnswerTopology.settings(clients, props.groupId(), stateDir(props, "switchboard-answers")));
    clients.bindMetrics(streams);
    return streams;
  }

  /** Runs the answering stage with the process; ready while it runs. */
  @Bean
  ManagedStreams answerLifecycle(KafkaStreams answerStreams) {
    return new ManagedStreams("call-handler", answerStreams, Duration.ofSeconds(15));
  }

  private static String stateDir(CallHandlerProperties props, String temporaryPrefix) throws IOException {
    return props.stateDir() == null || props.stateDir().isBlank()
        ? Files.createTempDirectory(temporaryPrefix).toString() : props.stateDir();
  }

  @Bean(destroyMethod = "close")
  KafkaStreams deferralStreams(KafkaClients clients, CallHandlerProperties props) throws IOException {
    Properties config = clients.streamsProperties(props.groupId() + "-deferrals");
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(props, "switchboard-deferrals"));
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    KafkaStreams streams = new KafkaStreams(DeferralTopology.buildTopology(new DeferralTopology.Config(
        clients.registry(), Clock.systemUTC(), new KafkaReplyLookup(clients, props.groupId() + "-deferrals-catch-up"))),
        config);
    clients.bindMetrics(streams);
    return streams;
  }

  /** Runs the deferral join with the process; ready while it runs. */
  @Bean
  ManagedStreams deferralLifecycle(KafkaStreams deferralStreams) {
    return new ManagedStreams("deferral-streams", deferralStreams, Duration.ofSeconds(15));
  }

  /** Every company's configuration, for the side effects' Twilio clients. */
  @Bean(destroyMethod = "close")
  TopicReplica<CompanyConfig> sideEffectCompanies(KafkaClients clients) {
    return new TopicReplica<>(Topics.COMPANY_CONFIG, clients, (id, config) -> { }).start(Duration.ofSeconds(60));
  }

  @Bean(destroyMethod = "close")
  OutcomeStore outcomeStore(KafkaClients clients, CallHandlerProperties props) {
    return new OutcomeStore(clients, props.groupId() + "-outcomes");
  }

  /** Keeps the outcome store with the process; ready once it holds the whole outcome log. */
  @Bean
  ManagedStreams outcomeStoreLifecycle(OutcomeStore store) {
    return new ManagedStreams("outcome-store", store.streams(), Duration.ofSeconds(10));
  }

  @Bean(destroyMethod = "close")
  SideEffectWorker sideEffectWorker(KafkaClients clients, CredentialCipher cipher, TwilioClientFactory twilio,
      CallHandlerProperties props, CallHandlerMetrics metrics, TopicReplica<CompanyConfig> sideEffectCompanies,
      OutcomeStore outcomeStore) {
    TenantClients tenants = new TenantClients(cipher, twilio);
    SideEffectWorker.Parts parts = SideEffectWorker.Parts.of(clients, props.groupId() + "-side-effects", outcomeStore,
        new CallbackUrls(props.publicBaseUrl()), companyId -> tenants.forCompany(companyId, sideEffectCompanies.get(companyId)));
    return new SideEffectWorker(parts, new SideEffectWorker.Settings(
        new RetryPolicy(props.retryAttempts(), props.retryBaseDelay(), props.retryMaxDelay()),
        props.sideEffectThreads(), props.sideEffectMaxInFlight(), Duration.ofSeconds(10), Duration.ofSeconds(30)),
        Clock.systemUTC(), metrics);
  }

  /** Runs the side-effect worker's listener container with the process; ready while its consumer runs. */
  @Bean
  ManagedContainer sideEffectLifecycle(SideEffectWorker worker) {
    return new ManagedContainer("side-effect-worker", worker.container());
  }
}
