package io.switchboard.domain.ops;

import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.springframework.context.SmartLifecycle;

/**
 * A Kafka Streams app run with its process: started before the process serves HTTP, closed after it
 * stopped serving, and part of its readiness. It is ready when RUNNING, or REBALANCING after it has
 * run (a rebalance is brief; while it first restores its stores it is not ready). ERROR, shutting
 * down or not running are a problem: the app will not process again without a restart.
 */
public final class ManagedStreams implements SmartLifecycle, ReadinessCheck {

  /** Before the web server (which starts late and stops early), so requests never meet a stopped app. */
  private static final int PHASE = 0;

  private final String name;
  private final KafkaStreams streams;
  private final Duration closeTimeout;
  private volatile boolean hasRun;
  private volatile boolean started;

  public ManagedStreams(String name, KafkaStreams streams, Duration closeTimeout) {
    this.name = name;
    this.streams = streams;
    this.closeTimeout = closeTimeout;
    streams.setStateListener((now, before) -> {
      if (now == State.RUNNING) {
        hasRun = true;
      }
    });
  }

  @Override
  public void start() {
    streams.start();
    started = true;
  }

  @Override
  public void stop() {
    streams.close(closeTimeout);
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
