package io.switchboard.callhandler.effects;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
  /** Only tenants with work: a lane is removed once it is empty. */
  private final Map<String, Queue<Task>> lanes = new HashMap<>();
  private final Duration closeTimeout;
  private boolean closing;

  TenantLanes(int threads, Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread thread = new Thread(r, "side-effects");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Queues a task behind the tenant's others; ignored once closing (nothing was done, so nothing is lost). */
  synchronized void submit(String tenant, Task task) {
    if (closing) {
      return;
    }
    Queue<Task> lane = lanes.get(tenant);
    if (lane == null) {
      lane = new ArrayDeque<>();
      lanes.put(tenant, lane);
      lane.add(task);
      execute(tenant, task);
    } else {
      lane.add(task);
    }
  }

  /** Tasks queued or running, over all tenants. */
  synchronized int size() {
    return lanes.values().stream().mapToInt(Queue::size).sum();
  }

  private void execute(String tenant, Task task) {
    try {
      workers.execute(() -> run(tenant, task));
    } catch (RejectedExecutionException e) {
      // Closing: the task is dropped before it started.
    }
  }

  private void run(String tenant, Task task) {
    Long retryAfter;
    try {
      retryAfter = task.runAndRescheduleAfterMillis();
    } catch (RuntimeException e) {
      retryAfter = null;
    }
    synchronized (this) {
      if (closing) {
        return;
      }
      if (retryAfter != null) {
        timer.schedule(() -> execute(tenant, task), retryAfter, TimeUnit.MILLISECONDS);
        return;
      }
      Queue<Task> lane = lanes.get(tenant);
      lane.poll();
      Task next = lane.peek();
      if (next == null) {
        lanes.remove(tenant);
      } else {
        execute(tenant, next);
      }
    }
  }

  /**
   * Lets the steps now running finish (a Twilio call is never cut off midway, where its outcome
   * would be unknown), waiting at most the close timeout, and drops the rest: queued tasks and
   * pending retries had recorded that they may be tried again, so the partition's next owner
   * takes them over.
   */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      lanes.clear();
    }
    timer.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
  }
}
