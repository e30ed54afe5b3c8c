package io.switchboard.callhandler.effects;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What became of each side effect, as recorded on the compacted {@code switchboard.side-effect-outcomes}
 * topic: the log is the truth, read through a store on disk ({@link OutcomeStore}) so that memory stays
 * bounded however many effects were ever performed. This worker's own writes are kept in a bounded
 * cache until the store has them, so that a lane reads what it just wrote.
 */
final class OutcomeLog {

  /** Far more than the writes the store can lag behind by; bounded either way. */
  private static final int RECENT_CAPACITY = 100_000;

  private final Producer<String, SideEffectOutcome> writer;
  private final Function<String, SideEffectOutcome> stored;
  private final Duration writeTimeout;
  private final Cache<String, SideEffectOutcome> recent = Caffeine.newBuilder()
      .maximumSize(RECENT_CAPACITY)
      .expireAfterWrite(Duration.ofMinutes(10))
      .build();

  /**
   * @param stored the outcome of an effect id in the store, or null
   * @param writeTimeout how long a write may take before it counts as not recorded
   */
  OutcomeLog(Producer<String, SideEffectOutcome> writer, Function<String, SideEffectOutcome> stored, Duration writeTimeout) {
    this.writer = writer;
    this.stored = stored;
    this.writeTimeout = writeTimeout;
  }

  Producer<String, SideEffectOutcome> writer() {
    return writer;
  }

  /** The latest outcome recorded for an effect, or null when none is. */
  SideEffectOutcome latest(String effectId) {
    SideEffectOutcome mine = recent.getIfPresent(effectId);
    SideEffectOutcome logged = stored.apply(effectId);
    if (mine == null) {
      return logged;
    }
    return logged == null || logged.getAt().isBefore(mine.getAt()) ? mine : logged;
  }

  /**
   * Writes an outcome and waits until the brokers have it.
   *
   * @throws NotRecordedException when it is not known to be written
   */
  void append(SideEffectOutcome outcome) {
    try {
      writer.send(new ProducerRecord<>(Topics.SIDE_EFFECT_OUTCOMES.name(), outcome.getEffectId(), outcome))
          .get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotRecordedException(outcome, "interrupted");
    } catch (ExecutionException e) {
      throw new NotRecordedException(outcome, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new NotRecordedException(outcome, "no acknowledgement within " + writeTimeout);
    } catch (RuntimeException e) {
      throw new NotRecordedException(outcome, e.toString());
    }
    recent.put(outcome.getEffectId(), outcome);
  }

  /** An outcome that could not be written; whether the brokers have it is not known. */
  static final class NotRecordedException extends RuntimeException {
    NotRecordedException(SideEffectOutcome outcome, String why) {
      super(outcome.getStatus() + " of " + outcome.getEffectId() + " not recorded: " + why);
    }
  }
}
