package io.switchboard.callhandler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;

/**
 * The call-handler's meters: side effects by kind and recorded status, and dead letters by topic and
 * reason. Reasons are a closed set (an error's class, or how a side effect failed), never a message.
 */
public final class CallHandlerMetrics {

  private final MeterRegistry registry;

  public CallHandlerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters kept only in memory, for tests and tools. */
  public static CallHandlerMetrics unexported() {
    return new CallHandlerMetrics(new SimpleMeterRegistry());
  }

  public void sideEffect(Enum<?> kind, Enum<?> status) {
    Counter.builder("switchboard.side.effects")
        .description("side effects (call updates, SMS) by the status recorded for them")
        .tag("kind", tag(kind))
        .tag("status", tag(status))
        .register(registry)
        .increment();
  }

  public void deadLetter(String topic, String reason) {
    Counter.builder("switchboard.dead.letters")
        .description("records sent to a dead-letter topic")
        .tag("topic", topic)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  private static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
