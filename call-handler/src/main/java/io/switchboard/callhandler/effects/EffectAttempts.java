package io.switchboard.callhandler.effects;

import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.events.SideEffectStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The life of one side-effect record in its tenant's lane: the at-most-once state machine. Every
 * decision is taken here, on the lane, from the outcome log as it is when the lane reaches the
 * record (a copy of the record queued behind the first sees the first one's outcome):
 *
 * <ul>
 *   <li>no outcome, or RETRYING: record STARTED, call Twilio; on success record APPLIED (retrying only
 *       that write, never the call, until it lands); on 429/5xx record RETRYING and try again after a
 *       backoff; on a lost connection record UNKNOWN; on a refusal record FAILED; both dead-lettered.
 *   <li>APPLIED: nothing. FAILED or UNKNOWN: nothing unless an operator forced a redrive.
 *   <li>STARTED (its worker stopped mid-call): UNKNOWN and dead-lettered, never guessed at.
 *   <li>forced redrive of STARTED or UNKNOWN: Twilio is asked first, through the company's own
 *       client; the effect is performed only when Twilio shows it did not happen.
 * </ul>
 *
 * When the record's partition has moved to another instance, the task stops before its next call
 * to Twilio and leaves the effect to the new owner (which starts from what this one recorded).
 */
final class EffectAttempts implements TenantLanes.Task {

  private static final Logger log = LoggerFactory.getLogger(EffectAttempts.class);

  /** Where an effect's end is reported: dead letters and the committed position. */
  interface Sink {
    void deadLetter(SideEffect effect, String reason, String metricReason);

    /** The record is finished with: its offset may be committed. */
    void finished();

    /** Twilio performed the effect: the call event that records it. */
    void applied(SideEffect effect, String sid);
  }

  private enum Step { DECIDE, FIND, START, RECORD_APPLIED }

  private final SideEffect effect;
  private final boolean forced;
  private final OutcomeLog outcomes;
  private final TwilioActions twilio;
  private final RetryPolicy retries;
  private final Clock clock;
  private final CallHandlerMetrics metrics;
  private final BooleanSupplier owned;
  private final Sink sink;
  private Step step = Step.DECIDE;
  private int attempt;
  private int lookups;
  private Instant startedAt;
  private String sid;
  private String evidence;

  EffectAttempts(SideEffect effect, boolean forced, OutcomeLog outcomes, TwilioActions twilio, RetryPolicy retries,
      Clock clock, CallHandlerMetrics metrics, BooleanSupplier owned, Sink sink) {
    this.effect = effect;
    this.forced = forced;
    this.outcomes = outcomes;
    this.twilio = twilio;
    this.retries = retries;
    this.clock = clock;
    this.metrics = metrics;
    this.owned = owned;
    this.sink = sink;
  }

  @Override
  public Long runAndRescheduleAfterMillis() {
    // The effect's call, company and event on every log line of this attempt (fields of the JSON logs).
    try (MDC.MDCCloseable call = MDC.putCloseable("callSid", effect.getCallSid());
        MDC.MDCCloseable company = MDC.putCloseable("companyId", effect.getCompanyId());
        MDC.MDCCloseable event = MDC.putCloseable("eventId", effect.getEventId())) {
      if (step != Step.RECORD_APPLIED && !owned.getAsBoolean()) {
        log.info("Side effect {} left to the new owner of its partition", effect.getEffectId());
        return null;
      }
      return switch (step) {
        case DECIDE -> decide();
        case FIND -> find();
        case START -> start();
        case RECORD_APPLIED -> recordApplied();
      };
    }
  }

  private Long decide() {
    SideEffectOutcome known;
    try {
      known = outcomes.latest(effect.getEffectId());
    } catch (RuntimeException e) {
      return lookupFailed("its outcome cannot be read: " + e.getMessage());
    }
    if (known == null) {
      step = Step.START;
      return start();
    }
    startedAt = known.getStartedAt() != null ? known.getStartedAt()
        : known.getStatus() == SideEffectStatus.STARTED ? known.getAt() : null;
    switch (known.getStatus()) {
      case RETRYING -> {
        attempt = known.getAttempts();
        step = Step.START;
        return start();
      }
      case FAILED -> {
        if (forced) {
          log.warn("Side effect {} sent back by an operator after FAILED; performing it", effect.getEffectId());
          step = Step.START;
          return start();
        }
      }
      case STARTED, UNKNOWN -> {
        if (forced) {
          step = Step.FIND;
          return find();
        }
        if (known.getStatus() == SideEffectStatus.STARTED) {
          // Its worker stopped between STARTED and the answer: Twilio may or may not have acted.
          record(SideEffectStatus.UNKNOWN, known.getAttempts(), null,
              "the worker stopped after starting it: Twilio may or may not have acted; not retried");
          sink.deadLetter(effect, "outcome unknown after a restart; redrive with --force to have Twilio asked first",
              "outcome_unknown");
          sink.finished();
          return null;
        }
      }
      default -> { }
    }
    log.info("Side effect {} already {}; not performed again", effect.getEffectId(), known.getStatus());
    sink.finished();
    return null;
  }

  /** A forced redrive of an effect whose outcome is unknown: Twilio is asked before anything is done. */
  private Long find() {
    TwilioActions.Finding finding;
    try {
      finding = twilio.find(effect, startedAt == null ? clock.instant().minus(java.time.Duration.ofDays(1)) : startedAt);
    } catch (RuntimeException e) {
      return lookupFailed("Twilio could not be asked whether it acted: " + TwilioErrors.describe(e));
    }
    if (finding instanceof TwilioActions.Finding.Happened happened) {
      log.warn("Side effect {} took place after all ({}); recording it APPLIED, not repeating it",
          effect.getEffectId(), happened.evidence());
      sid = happened.sid();
      evidence = happened.evidence();
      step = Step.RECORD_APPLIED;
      return recordApplied();
    }
    if (finding instanceof TwilioActions.Finding.Moot moot) {
      log.warn("Side effect {} not performed: {}", effect.getEffectId(), moot.reason());
      safely(() -> record(SideEffectStatus.FAILED, attempt, null, moot.reason()));
      sink.finished();
      return null;
    }
    log.warn("Side effect {} did not take place ({}); performing it", effect.getEffectId(),
        ((TwilioActions.Finding.NotHappened) finding).evidence());
    step = Step.START;
    return start();
  }

  private Long start() {
    attempt++;
    if (startedAt == null) {
      startedAt = clock.instant();
    }
    try {
      record(SideEffectStatus.STARTED, attempt, null, null);
    } catch (RuntimeException e) {
      // Nothing was sent: trying again later is safe.
      attempt--;
      log.warn("Cannot record the start of {}: {}; trying later", effect.getEffectId(), e.getMessage());
      return retries.delayMillisAfter(Math.max(1, attempt));
    }
    try {
      sid = twilio.perform(effect);
    } catch (RuntimeException e) {
      return failed(e);
    }
    step = Step.RECORD_APPLIED;
    return recordApplied();
  }

  private Long failed(RuntimeException e) {
    String reason = TwilioErrors.describe(e);
    if (TwilioErrors.retriable(e) && attempt < retries.maxAttempts()) {
      long delay = retries.delayMillisAfter(attempt);
      log.warn("Side effect {} of company {} failed ({}), attempt {} of {}; retrying in {} ms", effect.getEffectId(),
          effect.getCompanyId(), reason, attempt, retries.maxAttempts(), delay);
      // Twilio answered with an error: it did not act, and whoever holds the partition next may try again.
      safely(() -> record(SideEffectStatus.RETRYING, attempt, null, reason));
      return delay;
    }
    SideEffectStatus status = TwilioErrors.outcomeUnknown(e) ? SideEffectStatus.UNKNOWN : SideEffectStatus.FAILED;
    log.error("Side effect {} of company {} {} after {} attempts: {}", effect.getEffectId(), effect.getCompanyId(),
        status, attempt, reason);
    safely(() -> record(status, attempt, null, reason));
    sink.deadLetter(effect, reason, TwilioErrors.retriable(e) ? "retries_exhausted"
        : status == SideEffectStatus.UNKNOWN ? "outcome_unknown" : "permanent");
    sink.finished();
    return null;
  }

  /** Twilio acted: only the record of it is missing, and only that is retried, however long it takes. */
  private Long recordApplied() {
    try {
      record(SideEffectStatus.APPLIED, attempt, sid, evidence);
    } catch (RuntimeException e) {
      log.warn("Side effect {} was performed ({}) but {}; recording it again", effect.getEffectId(), sid, e.getMessage());
      return retries.delayMillisAfter(Math.min(attempt + 1, retries.maxAttempts()));
    }
    sink.applied(effect, sid);
    sink.finished();
    return null;
  }

  private Long lookupFailed(String reason) {
    lookups++;
    if (lookups < retries.maxAttempts()) {
      log.warn("Side effect {}: {}; trying again", effect.getEffectId(), reason);
      return retries.delayMillisAfter(lookups);
    }
    log.error("Side effect {} not performed: {}", effect.getEffectId(), reason);
    sink.deadLetter(effect, reason, "outcome_unknown");
    sink.finished();
    return null;
  }

  private void record(SideEffectStatus status, int attempts, String twilioSid, String detail) {
    outcomes.append(SideEffectOutcome.newBuilder()
        .setEffectId(effect.getEffectId())
        .setKind(effect.getKind())
        .setCompanyId(effect.getCompanyId())
        .setStatus(status)
        .setDetail(detail)
        .setTwilioSid(twilioSid)
        .setAttempts(attempts)
        .setAt(clock.instant())
        .setStartedAt(startedAt)
        .build());
    metrics.sideEffect(effect.getKind(), status);
  }

  private static void safely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.error("Could not record: {}", e.getMessage());
    }
  }
}
