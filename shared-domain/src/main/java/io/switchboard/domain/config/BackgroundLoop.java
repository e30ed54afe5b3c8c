package io.switchboard.domain.config;

import io.switchboard.domain.ops.ReadinessCheck;
import java.util.Optional;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a process's long-running loop on its own thread for as long as the application runs: started
 * with the context, asked to stop (and waited for, up to ten seconds) when the context closes. A loop
 * that ends while it should run takes the process out of readiness.
 */
public final class BackgroundLoop implements SmartLifecycle, ReadinessCheck {

  private final String name;
  private final Runnable loop;
  private final Runnable stop;
  private Thread thread;

  /**
   * @param loop the loop, returning once it has been asked to stop
   * @param stop asks the loop to stop
   */
  public BackgroundLoop(String name, Runnable loop, Runnable stop) {
    this.name = name;
    this.loop = loop;
    this.stop = stop;
  }

  @Override
  public synchronized void start() {
    thread = new Thread(loop, name);
    thread.start();
  }

  @Override
  public synchronized void stop() {
    stop.run();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    return thread.isAlive() ? Optional.empty() : Optional.of("loop stopped");
  }
}
