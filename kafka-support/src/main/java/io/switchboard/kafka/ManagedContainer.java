package io.switchboard.kafka;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.event.ConsumerFailedToStartEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * A spring-kafka listener container run with its process, under the same rule as
 * {@link ManagedStreams}: the container itself retries what can be retried (a failed poll or
 * commit, a listener error through its error handler); when its consumer stops for any other reason
 * than being asked to (an error it cannot get past, an authorization failure, no offset to start
 * from) the process leaves readiness and reports itself broken, so that an orchestrator replaces it.
 *
 * <p>Ready while the container runs and its consumer thread is alive, and not for a few seconds
 * after a failure outside a record (a poll or commit that failed: the container goes on with the
 * same consumer after a pause, see {@link ContainerErrors}).
 */
public final class ManagedContainer implements SmartLifecycle, ReadinessCheck, ApplicationEventPublisherAware {

  private static final Logger log = LoggerFactory.getLogger(ManagedContainer.class);

  private final String name;
  private final AbstractMessageListenerContainer<?, ?> container;
  private volatile ApplicationEventPublisher events;
  private volatile boolean stopping;
  private volatile String failure;

  public ManagedContainer(String name, AbstractMessageListenerContainer<?, ?> container) {
    this.name = name;
    this.container = container;
    container.setApplicationEventPublisher(this::onContainerEvent);
  }

  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher events) {
    this.events = events;
  }

  private void onContainerEvent(Object event) {
    String why = null;
    if (event instanceof ConsumerStoppedEvent stopped && stopped.getReason() != ConsumerStoppedEvent.Reason.NORMAL) {
      why = "consumer stopped: " + stopped.getReason();
    } else if (event instanceof ConsumerFailedToStartEvent) {
      why = "consumer failed to start";
    }
    if (why != null && !stopping) {
      failure = why;
      log.error("Listener container {}: {}; the process reports itself broken", name, why);
      ApplicationEventPublisher publisher = events;
      if (publisher != null) {
        AvailabilityChangeEvent.publish(publisher, this, LivenessState.BROKEN);
      }
    }
    ApplicationEventPublisher publisher = events;
    if (publisher != null) {
      publisher.publishEvent(event);
    }
  }

  @Override
  public void start() {
    stopping = false;
    failure = null;
    container.start();
  }

  /** Stops the container: its listener's last acknowledgements are committed and it leaves its group. */
  @Override
  public void stop() {
    stopping = true;
    container.stop();
  }

  @Override
  public boolean isRunning() {
    return container.isRunning();
  }

  @Override
  public String readinessName() {
    return name;
  }

  @Override
  public Optional<String> problem() {
    String failed = failure;
    if (failed != null) {
      return Optional.of(failed);
    }
    if (!container.isRunning()) {
      return Optional.of("not running");
    }
    if (!container.isInExpectedState()) {
      return Optional.of("consumer thread ended");
    }
    if (container.getCommonErrorHandler() instanceof ContainerErrors errors) {
      return errors.recentFailure().map(failure -> "recovering from a failure outside a record: " + failure);
    }
    return Optional.empty();
  }
}
