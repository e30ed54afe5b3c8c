package io.switchboard.domain.ops;

import io.switchboard.kafka.ReadinessCheck;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a process's long-running loop on its own thread for as long as the application runs: started
 * with the context, asked to stop (and waited for, up to ten seconds) when the context closes. A loop
 * that fails or ends while it should run is restarted after a growing pause, and the process is out
 * of readiness meanwhile; after {@value #MAX_FAILURES} failures in a row the loop is given up and the
 * process reports itself broken (liveness DOWN), so that an orchestrator replaces it. A failure after
 * a long healthy run starts the count again.
 */
public final class BackgroundLoop implements SmartLifecycle, ReadinessCheck, ApplicationEventPublisherAware {

  static final int MAX_FAILURES = 5;
  private static final Logger log = LoggerFactory.getLogger(BackgroundLoop.class);
  private static final Duration HEALTHY_RUN = Duration.ofMinutes(5);

  private final String name;
  private final Runnable loop;
  private final Runnable stop;
  private final Duration firstPause;
  private final Duration maxPause;
  private volatile ApplicationEventPublisher events;
  private volatile boolean stopping;
  private volatile int failures;
  private volatile String lastFailure;
  private volatile boolean givenUp;
  private volatile boolean pausing;
  private final Object pauseLock = new Object();
  private Thread thread;

  /**
   * @param loop the loop, returning once it has been asked to stop
   * @param stop asks the loop to stop
   */
  public BackgroundLoop(String name, Runnable loop, Runnable stop) {
    this(name, loop, stop, Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  BackgroundLoop(String name, Runnable loop, Runnable stop, Duration firstPause, Duration maxPause) {
    this.name = name;
    this.loop = loop;
    this.stop = stop;
    this.firstPause = firstPause;
    this.maxPause = maxPause;
  }

  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher events) {
    this.events = events;
  }

  @Override
  public synchronized void start() {
    stopping = false;
    thread = new Thread(this::supervise, name);
    thread.start();
  }

  private void supervise() {
    while (!stopping) {
      long began = System.nanoTime();
      try {
        loop.run();
        if (stopping) {
          return;
        }
        failed(began, "the loop ended on its own");
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        failed(began, e.toString());
      }
      if (failures >= MAX_FAILURES) {
        givenUp = true;
        log.error("Loop {} failed {} times in a row ({}); the process reports itself broken", name, failures,
            lastFailure);
        ApplicationEventPublisher publisher = events;
        if (publisher != null) {
          AvailabilityChangeEvent.publish(publisher, this, LivenessState.BROKEN);
        }
        return;
      }
      Duration pause = firstPause.multipliedBy(1L << Math.min(failures - 1, 16));
      pause = pause.compareTo(maxPause) > 0 ? maxPause : pause;
      log.error("Loop {} failed ({}); restarting in {} ms (failure {} of {})", name, lastFailure, pause.toMillis(),
          failures, MAX_FAILURES);
      if (!pause(pause)) {
        return;
      }
    }
  }

  /** Waits out a pause between restarts; false when asked to stop meanwhile. */
  private boolean pause(Duration pause) {
    // Stopping never interrupts the loop: an interrupt is one more failure (a client's InterruptException
    // sets the flag again), and it must not cut the pause short.
    Thread.interrupted();
    long until = System.nanoTime() + pause.toNanos();
    synchronized (pauseLock) {
      pausing = true;
      try {
        for (long left = pause.toNanos(); !stopping && left > 0; left = until - System.nanoTime()) {
          pauseLock.wait(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        pausing = false;
      }
    }
    return !stopping;
  }

  private void failed(long began, String why) {
    failures = Duration.ofNanos(System.nanoTime() - began).compareTo(HEALTHY_RUN) > 0 ? 1 : failures + 1;
    lastFailure = why;
  }

  /**
   * Asks the loop to stop and waits for it to return. The thread is not interrupted: an interrupt
   * would cut off what the loop does to stop cleanly (a consumer's last commit and leaving its group).
   */
  @Override
  public synchronized void stop() {
    stopping = true;
    stop.run();
    synchronized (pauseLock) {
      pauseLock.notifyAll();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    thread = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return thread != null;
  }

  @Override
  public String readinessName() {
    return name;
  }

  @Override
  public synchronized Optional<String> problem() {
    if (thread == null) {
      return Optional.of("not started");
    }
    if (givenUp) {
      return Optional.of("given up after " + failures + " failures: " + lastFailure);
    }
    if (pausing) {
      return Optional.of("restarting after failure " + failures + ": " + lastFailure);
    }
    return thread.isAlive() ? Optional.empty() : Optional.of("loop stopped");
  }
}
