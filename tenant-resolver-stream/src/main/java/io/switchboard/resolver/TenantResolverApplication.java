package io.switchboard.resolver;

import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.domain.security.JwtApiSecurity;
import io.switchboard.kafka.KafkaClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.ops.ProcessDefaults;
import io.switchboard.kafka.ManagedStreams;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The tenant-resolver-stream process. Processing guarantee: at-least-once by default. A webhook
 * may then be resolved twice after a crash; the call-handler is idempotent per event id, and the
 * routes are whole-value upserts, so a duplicate changes nothing, while exactly-once would add a
 * transaction commit (100 ms by default) to every caller's wait.
 */
@SpringBootApplication
@Import({SwitchboardBeans.class, JwtApiSecurity.class})
@EnableConfigurationProperties(ResolverProperties.class)
public class TenantResolverApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * The application, reading its settings from {@code tenant-resolver-stream.properties} rather than a shared
   * {@code application.properties}, so that several Switchboard processes can share one class path.
   */
  public static SpringApplicationBuilder builder() {
    return ProcessDefaults.application(TenantResolverApplication.class, "tenant-resolver-stream");
  }

  @Bean(destroyMethod = "close")
  KafkaStreams resolverStreams(KafkaClients clients, ResolverProperties props) {
    Properties config = clients.streamsProperties(props.applicationId());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, props.processingGuarantee());
    config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, props.replicationFactor());
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(props));
    config.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    // Records that do not decode are logged with their position and skipped, never a stopped stream.
    config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    if (props.advertisedHostPort() != null && !props.advertisedHostPort().isBlank()) {
      config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, props.advertisedHostPort());
    }
    var topology = ResolverTopology.buildTopology(new ResolverTopology.Config(clients.registry(), Clock.systemUTC()));
    KafkaStreams streams = new KafkaStreams(topology, config);
    clients.bindMetrics(streams);
    return streams;
  }

  /** Runs the resolver's Streams app with the process; ready while it runs. */
  @Bean
  ManagedStreams resolverLifecycle(KafkaStreams resolverStreams) {
    return new ManagedStreams("resolver-streams", resolverStreams, Duration.ofSeconds(15));
  }

  @Bean
  NumberDiagnostics numberDiagnostics(KafkaStreams streams, PhoneNumbers phoneNumbers, ResolverProperties props) {
    HostInfo self = props.advertisedHostPort() == null || props.advertisedHostPort().isBlank()
        ? null : HostInfo.buildFromEndpoint(props.advertisedHostPort());
    return new NumberDiagnostics(streams, phoneNumbers, self);
  }

  private static String stateDir(ResolverProperties props) {
    if (props.stateDir() != null && !props.stateDir().isBlank()) {
      return props.stateDir();
    }
    try {
      return Files.createTempDirectory("switchboard-resolver").toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a state dir for the resolver", e);
    }
  }
}
