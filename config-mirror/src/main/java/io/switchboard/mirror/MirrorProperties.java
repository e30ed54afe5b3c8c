package io.switchboard.mirror;

import jakarta.validation.constraints.NotBlank;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param mongoUri {@code switchboard.mirror.mongo-uri}: MongoDB holding the companies (a replica set, for change streams)
 * @param database {@code switchboard.mirror.database}: database of the companies collection
 * @param collection {@code switchboard.mirror.collection}: the companies collection, v2companies by default
 * @param leaseTtl {@code switchboard.mirror.lease-ttl}: how long a dead active instance keeps the lease before a standby takes over
 * @param instanceId {@code switchboard.mirror.instance-id}: this instance's name in the lease; host name and a random suffix by default
 */
@Validated
@ConfigurationProperties("switchboard.mirror")
public record MirrorProperties(@NotBlank String mongoUri, @NotBlank String database, String collection,
    Duration leaseTtl, String instanceId) {

  public MirrorProperties {
    collection = collection == null || collection.isBlank() ? "v2companies" : collection;
    leaseTtl = leaseTtl == null ? Duration.ofSeconds(10) : leaseTtl;
    if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("switchboard.mirror.lease-ttl must be at least 1s");
    }
    if (instanceId == null || instanceId.isBlank()) {
      instanceId = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "mirror";
    }
  }
}
