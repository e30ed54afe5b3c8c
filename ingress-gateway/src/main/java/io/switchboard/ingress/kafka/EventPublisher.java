package io.switchboard.ingress.kafka;

import io.switchboard.schemas.events.CallDeferred;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything the ingress writes to Kafka. Webhooks are written durably before anyone is answered. */
public final class EventPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

  private final KafkaProducer<String, WebhookReceived> webhooks;
  private final KafkaProducer<String, UnroutableWebhook> rejected;
  private final KafkaProducer<String, CallEvent> callEvents;
  private final KafkaProducer<String, CallDeferred> deferrals;
  private final Duration ackTimeout;

  public EventPublisher(KafkaClients clients, Duration ackTimeout) {
    this.webhooks = clients.producer(Topics.WEBHOOKS, "ingress-webhooks");
    this.rejected = clients.producer(Topics.WEBHOOKS_UNROUTABLE, "ingress-rejected");
    this.callEvents = clients.producer(Topics.CALL_EVENTS, "ingress-call-events");
    this.deferrals = clients.producer(Topics.DEFERRALS, "ingress-deferrals");
    this.ackTimeout = ackTimeout;
  }

  /**
   * Writes the webhook and returns once every in-sync replica has it.
   *
   * @throws KafkaUnavailableException when Kafka does not acknowledge in time
   */
  public void publishDurably(WebhookReceived event) {
    try {
      webhooks.send(new ProducerRecord<>(Topics.WEBHOOKS.name(), event.getTenantNumber(), event))
          .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new KafkaUnavailableException("Webhook " + event.getEventId() + " not acknowledged by Kafka", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while publishing webhook " + event.getEventId(), e);
    }
  }

  /** Records a webhook refused at the edge (forged or missing signature), without waiting. */
  public void recordRejected(UnroutableWebhook rejection) {
    try {
      rejected.send(new ProducerRecord<>(Topics.WEBHOOKS_UNROUTABLE.name(), rejection.getEvent().getTenantNumber(),
          rejection), (metadata, error) -> {
            if (error != null) {
              log.error("Could not record rejected webhook {}: {}", rejection.getEvent().getEventId(),
                  error.getMessage());
            }
          });
    } catch (RuntimeException e) {
      // The caller's answer does not depend on this record; losing it is logged, never a 500.
      log.error("Could not record rejected webhook {}: {}", rejection.getEvent().getEventId(), e.getMessage());
    }
  }

  /**
   * Records that a webhook was answered with the holding response, and waits for Kafka: without
   * this record the company's TwiML would never reach the live call.
   */
  public void recordDeferral(CallDeferred deferral) {
    try {
      deferrals.send(new ProducerRecord<>(Topics.DEFERRALS.name(), deferral.getEventId(), deferral))
          .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.error("Deferral of {} not recorded; the caller keeps the holding answer: {}", deferral.getEventId(),
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Adds a fact to the call archive, without waiting. */
  public void recordCallEvent(String key, CallEvent event) {
    try {
      callEvents.send(new ProducerRecord<>(Topics.CALL_EVENTS.name(), key, event), (metadata, error) -> {
        if (error != null) {
          log.error("Could not record call event for {}: {}", event.getEventId(), error.getMessage());
        }
      });
    } catch (RuntimeException e) {
      log.error("Could not record call event for {}: {}", event.getEventId(), e.getMessage());
    }
  }

  @Override
  public void close() {
    webhooks.close(Duration.ofSeconds(5));
    rejected.close(Duration.ofSeconds(5));
    callEvents.close(Duration.ofSeconds(5));
    deferrals.close(Duration.ofSeconds(5));
  }
}
