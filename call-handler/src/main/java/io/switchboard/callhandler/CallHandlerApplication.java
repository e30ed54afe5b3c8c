package io.switchboard.callhandler;

import io.switchboard.callhandler.effects.DeferralTopology;
import io.switchboard.callhandler.effects.RetryPolicy;
import io.switchboard.callhandler.effects.SideEffectWorker;
import io.switchboard.callhandler.kafka.CallHandlerLoop;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.twilio.TwilioClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import io.switchboard.domain.config.BackgroundLoop;
import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.schemas.kafka.KafkaClients;
import java.time.Clock;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The call-handler process: resolved webhooks to TwiML replies and call events. */
@SpringBootApplication
@Import(SwitchboardBeans.class)
@EnableConfigurationProperties(CallHandlerProperties.class)
public class CallHandlerApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * The application, reading its settings from {@code call-handler.properties} rather than a shared
   * {@code application.properties}, so that several Switchboard processes can share one class path.
   */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(CallHandlerApplication.class).web(WebApplicationType.NONE).properties("spring.config.name=call-handler");
  }

  @Bean
  CallHandlerLoop callHandlerLoop(KafkaClients clients, CallHandlerProperties props) {
    return new CallHandlerLoop(clients, new TwimlFactory(new CallbackUrls(props.publicBaseUrl())), Clock.systemUTC(),
        props.groupId());
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  KafkaStreams deferralStreams(KafkaClients clients, CallHandlerProperties props) throws IOException {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, props.groupId() + "-deferrals");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, clients.bootstrapServers());
    config.put(StreamsConfig.STATE_DIR_CONFIG, props.stateDir() == null || props.stateDir().isBlank()
        ? Files.createTempDirectory("switchboard-deferrals").toString() : props.stateDir());
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    config.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
    return new KafkaStreams(DeferralTopology.buildTopology(new DeferralTopology.Config(clients.registry(),
        Clock.systemUTC())), config);
  }

  @Bean(destroyMethod = "close")
  SideEffectWorker sideEffectWorker(KafkaClients clients, CredentialCipher cipher, TwilioClientFactory twilio,
      CallHandlerProperties props) {
    return new SideEffectWorker(clients, cipher, twilio, new CallbackUrls(props.publicBaseUrl()),
        new RetryPolicy(props.retryAttempts(), props.retryBaseDelay(), props.retryMaxDelay()),
        props.sideEffectThreads(), Clock.systemUTC(), props.groupId() + "-side-effects").prepare();
  }

  @Bean
  BackgroundLoop sideEffectLifecycle(SideEffectWorker worker) {
    return new BackgroundLoop("side-effect-worker", worker, worker::stop);
  }

  @Bean
  BackgroundLoop callHandlerLifecycle(CallHandlerLoop loop) {
    return new BackgroundLoop("call-handler", loop, loop::stop);
  }
}
