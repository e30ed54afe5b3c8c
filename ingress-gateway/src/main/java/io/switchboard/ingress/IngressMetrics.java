package io.switchboard.ingress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.schemas.common.WebhookKind;
import java.time.Duration;
import java.util.Locale;

/**
 * The ingress's meters: how long each webhook was held, by kind and outcome (a histogram, so that
 * percentiles can be aggregated across instances), and how often the reply budget was missed. Tags
 * take values from closed sets only: no number, company or SID.
 */
public final class IngressMetrics {

  private final MeterRegistry registry;

  public IngressMetrics(MeterRegistry registry) {
    this.registry = registry;
    // At zero from the start, so that "no misses" shows as 0 rather than as no data.
    for (WebhookKind kind : WebhookKind.values()) {
      budgetMisses(kind);
    }
  }

  void webhook(WebhookKind kind, IntakeResult.Outcome outcome, long nanos) {
    Timer.builder("switchboard.webhook.latency")
        .description("time from a webhook's arrival to its answer")
        .tag("kind", tag(kind))
        .tag("outcome", outcome.tag())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(15))
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  /** A refusal counted but not written to the rejection topic: its source had its share of records. */
  void rejectionNotRecorded() {
    Counter.builder("switchboard.webhook.rejections.unrecorded")
        .description("refused webhooks not written to twilio.webhooks.rejected because their source exceeded its rate")
        .register(registry)
        .increment();
  }

  void replyBudgetMissed(WebhookKind kind) {
    budgetMisses(kind).increment();
  }

  private Counter budgetMisses(WebhookKind kind) {
    return Counter.builder("switchboard.webhook.reply.budget.misses")
        .description("webhooks whose TwiML did not come within the reply budget")
        .tag("kind", tag(kind))
        .register(registry);
  }

  private static String tag(WebhookKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
