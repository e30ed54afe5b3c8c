package io.switchboard.kafka;

import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;

/**
 * A Kafka Streams app run with its process: started before the process serves HTTP, closed after it
 * stopped serving, and part of its readiness. It is ready when RUNNING, or REBALANCING after it has
 * run (a rebalance is brief; while it first restores its stores it is not ready). ERROR, shutting
 * down or not running are a problem: the app will not process again without a restart.
 *
 * <p>Failures follow the rule of every background loop: a stream thread that dies of an unexpected
 * exception is replaced, out of readiness while the app rebalances; after {@value #MAX_FAILURES}
 * failures in a row (or one of the global thread, which cannot be replaced) the app is shut down and
 * the process reports itself broken (liveness DOWN), so that an orchestrator replaces it.
 */
public final class ManagedStreams implements SmartLifecycle, ReadinessCheck, ApplicationEventPublisherAware {

  static final int MAX_FAILURES = 5;
  private static final Logger log = LoggerFactory.getLogger(ManagedStreams.class);
  private static final Duration HEALTHY_RUN = Duration.ofMinutes(5);

  /** Before the web server (which starts late and stops early), so requests never meet a stopped app. */
  private static final int PHASE = 0;

  private final String name;
  private final KafkaStreams streams;
  private final Duration closeTimeout;
  private volatile boolean hasRun;
  private volatile boolean started;
  private volatile boolean stopping;
  private volatile ApplicationEventPublisher events;
  private volatile int failures;
  private volatile long lastFailureNanos;

  public ManagedStreams(String name, KafkaStreams streams, Duration closeTimeout) {
    this.name = name;
    this.streams = streams;
    this.closeTimeout = closeTimeout;
    streams.setStateListener((now, before) -> {
      if (now == State.RUNNING) {
        hasRun = true;
      }
      if (now == State.PENDING_ERROR && !stopping) {
        log.error("Kafka Streams app {} stopped in ERROR; the process reports itself broken", name);
        ApplicationEventPublisher publisher = events;
        if (publisher != null) {
          AvailabilityChangeEvent.publish(publisher, this, LivenessState.BROKEN);
        }
      }
    });
    streams.setUncaughtExceptionHandler(this::onUncaught);
  }

  private StreamThreadExceptionResponse onUncaught(Throwable error) {
    long now = System.nanoTime();
    failures = now - lastFailureNanos > HEALTHY_RUN.toNanos() ? 1 : failures + 1;
    lastFailureNanos = now;
    if (failures >= MAX_FAILURES) {
      log.error("Kafka Streams app {} failed {} times in a row ({}); shutting it down", name, failures, error.toString());
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    log.error("Kafka Streams app {} lost a thread ({}); replacing it (failure {} of {})", name, error.toString(),
        failures, MAX_FAILURES);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** Stream threads lost in a row. */
  public int failures() {
    return failures;
  }

  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher events) {
    this.events = events;
  }

  @Override
  public void start() {
    streams.start();
    started = true;
  }

  /**
   * Closes the app and leaves its group: the other instances take its tasks over at once, instead of
   * after the group's session timeout (45 s by default), during which those partitions would wait.
   */
  @Override
  public void stop() {
    stopping = true;
    streams.close(new KafkaStreams.CloseOptions().timeout(closeTimeout).leaveGroup(true));
    started = false;
  }

  @Override
  public boolean isRunning() {
    return started;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public String readinessName() {
    return name;
  }

  @Override
  public Optional<String> problem() {
    State state = streams.state();
    if (state == State.RUNNING || (state == State.REBALANCING && hasRun)) {
      return Optional.empty();
    }
    return Optional.of("Kafka Streams " + state);
  }
}
