package io.switchboard.kafka;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.BackOff;

/**
 * spring-kafka's {@link DefaultErrorHandler} for a listener's failures (retries, then the recoverer),
 * and a pause for failures that are not a record's: a failed poll or commit is retried by the
 * container with the same consumer at once and in a loop, so without a pause a lasting failure
 * (a cluster that refuses the client, an interrupted thread) turns into thousands of log lines a
 * second. Each such failure is logged on one line and followed by {@link #PAUSE}.
 */
public class ContainerErrors extends DefaultErrorHandler {

  static final Duration PAUSE = Duration.ofSeconds(1);
  /** How long after such a failure its container counts as not ready. */
  static final Duration RECOVERY = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(ContainerErrors.class);

  private volatile String lastFailure;
  private volatile long lastFailureNanos;

  public ContainerErrors(@Nullable ConsumerRecordRecoverer recoverer, BackOff backOff) {
    super(recoverer, backOff);
  }

  @Override
  public void handleOtherException(Exception thrownException, Consumer<?, ?> consumer,
      MessageListenerContainer container, boolean batchListener) {
    lastFailure = thrownException.toString();
    lastFailureNanos = System.nanoTime();
    log.error("Listener container {} failed outside a record ({}); going on in {} ms", container.getListenerId(),
        lastFailure, PAUSE.toMillis());
    // An interrupt has had its effect (this failure); left set, it would fail every poll from now on.
    Thread.interrupted();
    long until = System.nanoTime() + PAUSE.toNanos();
    for (long left = PAUSE.toNanos(); left > 0 && container.isRunning(); left = until - System.nanoTime()) {
      LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
  }

  /** The last failure outside a record, if it happened within {@link #RECOVERY}. */
  public Optional<String> recentFailure() {
    String failure = lastFailure;
    if (failure == null || System.nanoTime() - lastFailureNanos > RECOVERY.toNanos()) {
      return Optional.empty();
    }
    return Optional.of(failure);
  }
}
