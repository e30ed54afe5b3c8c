package io.switchboard.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the process can reach its Kafka cluster: a cluster description within a short timeout.
 * The answer is kept for a few seconds, so frequent probes cost the brokers one request per period.
 */
public final class KafkaReachability implements ReadinessCheck, AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final Duration KEEP = Duration.ofSeconds(5);

  private final Admin admin;
  private final Clock clock;
  private Instant checkedAt = Instant.MIN;
  private Optional<String> last = Optional.empty();

  public KafkaReachability(Properties adminProperties, Clock clock) {
    this.admin = Admin.create(adminProperties);
    this.clock = clock;
  }

  @Override
  public String readinessName() {
    return "kafka";
  }

  @Override
  public synchronized Optional<String> problem() {
    Instant now = clock.instant();
    if (now.isBefore(checkedAt.plus(KEEP))) {
      return last;
    }
    try {
      int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
          .nodes().get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).size();
      last = brokers == 0 ? Optional.of("no broker reachable") : Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      last = Optional.of("cluster unreachable: " + (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      last = Optional.of("interrupted");
    }
    checkedAt = now;
    return last;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
