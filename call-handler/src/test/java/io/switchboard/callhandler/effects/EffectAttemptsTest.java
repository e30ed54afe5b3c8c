package io.switchboard.callhandler.effects;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.events.SideEffectStatus;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * The at-most-once rules of a side effect, step by step: the outcome log is a {@link MockProducer}
 * whose history is read back as the store, Twilio a script.
 */
class EffectAttemptsTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20));

  private final MockProducer<String, SideEffectOutcome> log = new MockProducer<>(true, null, Serdes.String().serializer(),
      (topic, outcome) -> new byte[0]);
  private final OutcomeLog outcomes = new OutcomeLog(log, this::stored, Duration.ofSeconds(1));
  private final ScriptedTwilio twilio = new ScriptedTwilio();
  private final List<String> deadLetters = new ArrayList<>();
  private final List<String> applied = new ArrayList<>();
  private int finished;
  private boolean owned = true;

  /** What a store built from the log holds: the latest record per key. */
  private SideEffectOutcome stored(String effectId) {
    SideEffectOutcome latest = null;
    for (ProducerRecord<String, SideEffectOutcome> record : log.history()) {
      if (record.key().equals(effectId)) {
        latest = record.value();
      }
    }
    return latest;
  }

  private EffectAttempts attempts(SideEffect effect, boolean forced) {
    return new EffectAttempts(effect, forced, outcomes, twilio, RETRIES, Clock.fixed(NOW, ZoneOffset.UTC),
        CallHandlerMetrics.unexported(), () -> owned, new EffectAttempts.Sink() {
          @Override
          public void deadLetter(SideEffect failed, String reason, String metricReason) {
            deadLetters.add(metricReason + ": " + reason);
          }

          @Override
          public void finished() {
            finished++;
          }

          @Override
          public void applied(SideEffect done, String sid) {
            applied.add(sid);
          }
        });
  }

  /** Runs a task to its end as a lane would, retries included; returns the steps it took. */
  private static int runToEnd(EffectAttempts task) {
    int steps = 1;
    while (task.runAndRescheduleAfterMillis() != null) {
      steps++;
    }
    return steps;
  }

  private List<SideEffectStatus> statuses() {
    return log.history().stream().map(r -> r.value().getStatus()).toList();
  }

  private void recorded(SideEffectStatus status, int attempts, Instant startedAt) {
    log.send(new ProducerRecord<>("outcomes", SMS.getEffectId(), SideEffectOutcome.newBuilder()
        .setEffectId(SMS.getEffectId()).setKind(SMS.getKind()).setCompanyId(SMS.getCompanyId()).setStatus(status)
        .setAttempts(attempts).setAt(NOW.minusSeconds(60)).setStartedAt(startedAt).build()));
  }

  private static final SideEffect SMS = SideEffect.newBuilder()
      .setEffectId("SEND_SMS:evt-1").setKind(SideEffectKind.SEND_SMS).setEventId("evt-1").setCompanyId("acme")
      .setTo("+15551230001").setFrom("+15557770001").setBody("Thanks, we will call you back.")
      .setRequestedAt(NOW).build();

  @Test
  void shouldPerformOnceAndRecordStartedThenApplied() {
    runToEnd(attempts(SMS, false));

    assertThat(twilio.performed).isEqualTo(1);
    assertThat(statuses()).containsExactly(SideEffectStatus.STARTED, SideEffectStatus.APPLIED);
    assertThat(applied).containsExactly("SM1");
    assertThat(finished).isEqualTo(1);
    assertThat(stored(SMS.getEffectId()).getStartedAt()).isEqualTo(NOW);
  }

  @Test
  void shouldNotPerformACopyOfAnEffectThatIsAlreadyApplied() {
    runToEnd(attempts(SMS, false));
    runToEnd(attempts(SMS, false));

    assertThat(twilio.performed).isEqualTo(1);
    assertThat(finished).isEqualTo(2);
  }

  @Test
  void shouldRetryOnlyTheWriteWhenTwilioActedButApplyingCouldNotBeRecorded() {
    EffectAttempts task = attempts(SMS, false);
    log.sendException = null;
    twilio.beforeAnswer = () -> log.sendException = new TimeoutException("brokers unreachable");

    assertThat(task.runAndRescheduleAfterMillis()).isNotNull();
    assertThat(task.runAndRescheduleAfterMillis()).isNotNull();
    log.sendException = null;
    assertThat(task.runAndRescheduleAfterMillis()).isNull();

    assertThat(twilio.performed).isEqualTo(1);
    assertThat(statuses()).containsExactly(SideEffectStatus.STARTED, SideEffectStatus.APPLIED);
    assertThat(deadLetters).isEmpty();
    assertThat(applied).containsExactly("SM1");
  }

  @Test
  void shouldRecordUnknownNotFailedWhenTheConnectionIsLostAfterTheRequestWasSent() {
    twilio.failures.add(() -> new ApiConnectionException("read timed out", new SocketTimeoutException("read")));

    runToEnd(attempts(SMS, false));

    assertThat(twilio.performed).isEqualTo(1);
    assertThat(statuses()).containsExactly(SideEffectStatus.STARTED, SideEffectStatus.UNKNOWN);
    assertThat(deadLetters).singleElement().asString().startsWith("outcome_unknown");
  }

  @Test
  void shouldRecordRetryingBetweenAttemptsAndSucceedOnTheNext() {
    twilio.failures.add(() -> new ApiException("Too Many Requests", 20429, null, 429, null, null, null, null));

    int steps = runToEnd(attempts(SMS, false));

    assertThat(steps).isEqualTo(2);
    assertThat(twilio.performed).isEqualTo(2);
    assertThat(statuses()).containsExactly(SideEffectStatus.STARTED, SideEffectStatus.RETRYING,
        SideEffectStatus.STARTED, SideEffectStatus.APPLIED);
  }

  @Test
  void shouldGoOnFromRetryingWhereThePreviousOwnerLeftIt() {
    recorded(SideEffectStatus.RETRYING, 2, NOW.minusSeconds(90));

    runToEnd(attempts(SMS, false));

    assertThat(twilio.performed).isEqualTo(1);
    assertThat(stored(SMS.getEffectId()).getAttempts()).isEqualTo(3);
    assertThat(stored(SMS.getEffectId()).getStartedAt()).isEqualTo(NOW.minusSeconds(90));
  }

  @Test
  void shouldReportUnknownAndNotGuessWhenFoundStartedByAWorkerThatStopped() {
    recorded(SideEffectStatus.STARTED, 1, NOW.minusSeconds(90));

    runToEnd(attempts(SMS, false));

    assertThat(twilio.performed).isZero();
    assertThat(twilio.asked).isZero();
    assertThat(stored(SMS.getEffectId()).getStatus()).isEqualTo(SideEffectStatus.UNKNOWN);
    assertThat(deadLetters).singleElement().asString().contains("--force");
  }

  @Test
  void shouldAskTwilioOnAForcedRedriveOfAnUnknownOutcomeAndRecordWhatHappenedWithoutRepeatingIt() {
    recorded(SideEffectStatus.UNKNOWN, 1, NOW.minusSeconds(90));
    twilio.finding = new TwilioActions.Finding.Happened("SM77", "Twilio lists message SM77");

    runToEnd(attempts(SMS, true));

    assertThat(twilio.asked).isEqualTo(1);
    assertThat(twilio.askedSince).isEqualTo(NOW.minusSeconds(90));
    assertThat(twilio.performed).isZero();
    assertThat(stored(SMS.getEffectId()).getStatus()).isEqualTo(SideEffectStatus.APPLIED);
    assertThat(stored(SMS.getEffectId()).getTwilioSid()).isEqualTo("SM77");
  }

  @Test
  void shouldPerformAForcedRedriveOfAnUnknownOutcomeOnlyWhenTwilioShowsItDidNotHappen() {
    recorded(SideEffectStatus.UNKNOWN, 1, NOW.minusSeconds(90));
    twilio.finding = new TwilioActions.Finding.NotHappened("no such message");

    runToEnd(attempts(SMS, true));

    assertThat(twilio.asked).isEqualTo(1);
    assertThat(twilio.performed).isEqualTo(1);
    assertThat(stored(SMS.getEffectId()).getStatus()).isEqualTo(SideEffectStatus.APPLIED);
  }

  @Test
  void shouldNotUpdateACallThatEndedOnAForcedRedrive() {
    recorded(SideEffectStatus.UNKNOWN, 1, NOW.minusSeconds(90));
    twilio.finding = new TwilioActions.Finding.Moot("the call is COMPLETED");

    runToEnd(attempts(SMS, true));

    assertThat(twilio.performed).isZero();
    assertThat(stored(SMS.getEffectId()).getStatus()).isEqualTo(SideEffectStatus.FAILED);
    assertThat(stored(SMS.getEffectId()).getDetail()).contains("COMPLETED");
  }

  @Test
  void shouldNeverRepeatAnAppliedEffectEvenWhenForced() {
    recorded(SideEffectStatus.APPLIED, 1, NOW.minusSeconds(90));

    runToEnd(attempts(SMS, true));

    assertThat(twilio.performed).isZero();
    assertThat(twilio.asked).isZero();
  }

  @Test
  void shouldLeaveTheEffectToTheNewOwnerOnceItsPartitionMoved() {
    twilio.failures.add(() -> new ApiException("Service Unavailable", 20503, null, 503, null, null, null, null));
    EffectAttempts task = attempts(SMS, false);
    assertThat(task.runAndRescheduleAfterMillis()).isNotNull();

    owned = false;
    assertThat(task.runAndRescheduleAfterMillis()).isNull();

    assertThat(twilio.performed).isEqualTo(1);
    assertThat(statuses()).containsExactly(SideEffectStatus.STARTED, SideEffectStatus.RETRYING);
    assertThat(finished).isZero();
  }

  @Test
  void shouldDeadLetterAnEffectTwilioKeepsRefusingWithRetriesExhausted() {
    for (int i = 0; i < 3; i++) {
      twilio.failures.add(() -> new ApiException("Internal Server Error", 20500, null, 500, null, null, null, null));
    }

    runToEnd(attempts(SMS, false));

    assertThat(twilio.performed).isEqualTo(3);
    assertThat(stored(SMS.getEffectId()).getStatus()).isEqualTo(SideEffectStatus.FAILED);
    assertThat(deadLetters).singleElement().asString().startsWith("retries_exhausted");
  }

  /** Twilio as a script: failures to throw in turn, then success; a finding to report when asked. */
  private static final class ScriptedTwilio implements TwilioActions {
    final Deque<Supplier<RuntimeException>> failures = new ArrayDeque<>();
    Runnable beforeAnswer = () -> { };
    Finding finding;
    int performed;
    int asked;
    Instant askedSince;

    @Override
    public String perform(SideEffect effect) {
      performed++;
      beforeAnswer.run();
      Supplier<RuntimeException> failure = failures.poll();
      if (failure != null) {
        throw failure.get();
      }
      return "SM" + performed;
    }

    @Override
    public Finding find(SideEffect effect, Instant startedAt) {
      asked++;
      askedSince = startedAt;
      return finding;
    }
  }
}
