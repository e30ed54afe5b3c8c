package io.switchboard.callhandler.effects;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each tenant's tasks one at a time, in order, on a shared pool, so that one tenant whose
 * Twilio account is failing waits out its own retries without holding a thread other tenants need:
 * a retry is scheduled on a timer, not slept on a worker.
 */
final class TenantLanes implements AutoCloseable {

  /** A step of work; returns a delay to run again after (a retry), or null when done. */
  interface Task {
    Long runAndRescheduleAfterMillis();
  }

  private final ExecutorService workers;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "side-effect-retries");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, Queue<Task>> lanes = new HashMap<>();
  private final Map<String, Boolean> busy = new HashMap<>();

  TenantLanes(int threads) {
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread thread = new Thread(r, "side-effects");
      thread.setDaemon(true);
      return thread;
    });
  }

  synchronized void submit(String tenant, Task task) {
    lanes.computeIfAbsent(tenant, t -> new ArrayDeque<>()).add(task);
    if (!busy.getOrDefault(tenant, false)) {
      busy.put(tenant, true);
      runNext(tenant);
    }
  }

  private synchronized void runNext(String tenant) {
    Task task = lanes.get(tenant).peek();
    if (task == null) {
      busy.put(tenant, false);
      return;
    }
    workers.execute(() -> run(tenant, task));
  }

  private void run(String tenant, Task task) {
    Long retryAfter;
    try {
      retryAfter = task.runAndRescheduleAfterMillis();
    } catch (RuntimeException e) {
      retryAfter = null;
    }
    if (retryAfter != null) {
      timer.schedule(() -> workers.execute(() -> run(tenant, task)), retryAfter, TimeUnit.MILLISECONDS);
      return;
    }
    synchronized (this) {
      lanes.get(tenant).poll();
      runNext(tenant);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
