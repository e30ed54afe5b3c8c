package io.switchboard.resolver;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param applicationId {@code switchboard.resolver.application-id}: Kafka Streams application id (consumer group and internal topic prefix)
 * @param stateDir {@code switchboard.resolver.state-dir}: where the state stores live; empty for a temporary folder
 * @param processingGuarantee {@code switchboard.resolver.processing-guarantee}: at_least_once (default) or exactly_once_v2
 * @param replicationFactor {@code switchboard.resolver.replication-factor}: of internal topics; -1 for the broker default
 * @param advertisedHostPort {@code switchboard.resolver.advertised-host-port}: host:port at which other instances and
 *     operators reach this instance's diagnostics API (Kafka Streams' application.server); empty for a single instance
 */
@Validated
@ConfigurationProperties("switchboard.resolver")
public record ResolverProperties(String applicationId, String stateDir, String processingGuarantee,
    Integer replicationFactor, String advertisedHostPort) {

  public ResolverProperties {
    applicationId = applicationId == null || applicationId.isBlank() ? "tenant-resolver-stream" : applicationId;
    processingGuarantee = processingGuarantee == null || processingGuarantee.isBlank()
        ? "at_least_once" : processingGuarantee;
    if (!processingGuarantee.equals("at_least_once") && !processingGuarantee.equals("exactly_once_v2")) {
      throw new IllegalArgumentException("switchboard.resolver.processing-guarantee must be at_least_once or "
          + "exactly_once_v2, got '" + processingGuarantee + "'");
    }
    replicationFactor = replicationFactor == null ? -1 : replicationFactor;
  }
}
