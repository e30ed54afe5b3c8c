package io.switchboard.kafka;

import java.util.Optional;

/**
 * One condition a process needs to do its job (a loop alive, a Streams app running, Kafka
 * reachable). Every such bean is part of the process's readiness: while any reports a problem, the
 * process answers {@code /actuator/health/readiness} with DOWN and an orchestrator sends it no
 * traffic.
 */
public interface ReadinessCheck {

  /** A short name, shown in the health details. */
  String readinessName();

  /** What stops the process doing its job, or empty when nothing does. */
  Optional<String> problem();
}
