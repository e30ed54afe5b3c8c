package io.switchboard.bench;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop load generator at a constant rate. The i-th operation is due at
 * {@code start + i / rate}; its latency is measured from that intended time, not from when it was
 * actually sent, so a server that stalls cannot hide its queue by slowing the generator down
 * (no coordinated omission). Operations never wait for each other.
 */
public final class OpenLoopLoad {

  /** How an operation ended. */
  public enum Outcome {
    /** The right answer. */
    OK,
    /** Answered 2xx, but with the holding answer: the TwiML came too late to go inline. */
    DEFERRED,
    /** Answered 2xx with an answer that is not the company's TwiML. */
    WRONG_ANSWER,
    /** Answered with a non-2xx status. */
    HTTP_ERROR,
    /** No answer: connection refused or reset, or no answer within the time allowed. */
    NO_ANSWER
  }

  /** Starts one operation; the future ends with its outcome. */
  @FunctionalInterface
  public interface Operation {
    /** @param intendedNanos when it was due, on {@link System#nanoTime()}'s clock */
    CompletableFuture<Outcome> start(long sequence, long intendedNanos);
  }

  /** What one step at one rate measured. Latencies are in microseconds. */
  public record Result(double offeredRate, Duration duration, long sent, Map<Outcome, Long> outcomes,
      Histogram latencyMicros, long maxSendLagMicros, long startedAtMillis, long endedAtMillis) {

    public long count(Outcome outcome) {
      return outcomes.getOrDefault(outcome, 0L);
    }

    /** Every operation answered correctly: no error, no deferral, no missing answer. */
    public boolean clean() {
      return count(Outcome.OK) == sent;
    }

    public double p(double percentile) {
      return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMillis() {
      return latencyMicros.getMaxValue() / 1000.0;
    }

    public double achievedRate() {
      return count(Outcome.OK) / (duration.toNanos() / 1e9);
    }
  }

  private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.SECONDS.toMicros(60);

  private OpenLoopLoad() {}

  /** At most this many operations in flight: an HTTP/1.1 client holds a connection for each. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1_000;

  public static Result run(double rate, Duration duration, Duration drain, Operation operation) {
    return run(rate, duration, drain, DEFAULT_MAX_IN_FLIGHT, operation);
  }

  /**
   * Runs {@code operation} at {@code rate} per second for {@code duration}, then waits up to
   * {@code drain} for the last answers; anything still unanswered counts as {@link Outcome#NO_ANSWER}.
   * With {@code maxInFlight} operations outstanding the next one waits for a free slot, as a client
   * with that many connections would; the wait counts in its latency, which runs from when it was due.
   */
  public static Result run(double rate, Duration duration, Duration drain, int maxInFlight, Operation operation) {
    Semaphore slots = new Semaphore(maxInFlight);
    long total = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
    double intervalNanos = 1e9 / rate;
    Recorder recorder = new Recorder(HIGHEST_TRACKABLE_MICROS, 3);
    Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, new LongAdder());
    }
    AtomicLong pending = new AtomicLong();
    long maxLag = 0;
    long startedAt = System.currentTimeMillis();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    for (long i = 0; i < total; i++) {
      long intended = start + (long) (i * intervalNanos);
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      slots.acquireUninterruptibly();
      maxLag = Math.max(maxLag, System.nanoTime() - intended);
      pending.incrementAndGet();
      CompletableFuture<Outcome> answer;
      try {
        answer = operation.start(i, intended);
      } catch (RuntimeException e) {
        answer = CompletableFuture.completedFuture(Outcome.NO_ANSWER);
      }
      answer.whenComplete((outcome, error) -> {
        long micros = (System.nanoTime() - intended) / 1_000;
        recorder.recordValue(Math.min(micros, HIGHEST_TRACKABLE_MICROS));
        outcomes.get(error != null || outcome == null ? Outcome.NO_ANSWER : outcome).increment();
        pending.decrementAndGet();
        slots.release();
      });
    }
    long sentAll = System.nanoTime();
    long drainUntil = sentAll + drain.toNanos();
    while (pending.get() > 0 && System.nanoTime() < drainUntil) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    Histogram histogram = recorder.getIntervalHistogram();
    long unanswered = pending.get();
    // Never answered within the drain: counted as missing, with the longest latency the run allows.
    if (unanswered > 0) {
      histogram.recordValueWithCount(Math.min((System.nanoTime() - start) / 1_000, HIGHEST_TRACKABLE_MICROS),
          unanswered);
    }
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    outcomes.forEach((o, n) -> counts.put(o, n.sum()));
    counts.merge(Outcome.NO_ANSWER, unanswered, Long::sum);
    return new Result(rate, Duration.ofNanos(sentAll - start), total, counts, histogram, maxLag / 1_000, startedAt,
        System.currentTimeMillis());
  }
}
