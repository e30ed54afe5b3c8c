package io.switchboard.ingress.kafka;

import io.switchboard.schemas.events.CallDeferred;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything the ingress writes to Kafka. Webhooks are written durably before anyone is answered. */
public final class EventPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

  /** One producer for every topic: one I/O thread and one connection, and records sent together share a request. */
  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<WebhookReceived> webhooks;
  private final Serializer<UnroutableWebhook> rejected;
  private final Serializer<CallEvent> callEvents;
  private final Serializer<CallDeferred> deferrals;
  private final Duration ackTimeout;

  public EventPublisher(KafkaClients clients, Duration ackTimeout) {
    this.webhooks = clients.valueSerializer(Topics.WEBHOOKS);
    this.rejected = clients.valueSerializer(Topics.WEBHOOKS_REJECTED);
    this.callEvents = clients.valueSerializer(Topics.CALL_EVENTS);
    this.deferrals = clients.valueSerializer(Topics.DEFERRALS);
    // A send waits for metadata at most as long as for its acknowledgement: both count in the hold.
    this.producer = clients.producer("ingress", new StringSerializer(), new ByteArraySerializer(),
        Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ackTimeout.toMillis()));
    this.ackTimeout = ackTimeout;
  }

  private static <V> ProducerRecord<String, byte[]> record(String topic, String key, Serializer<V> serializer, V value) {
    return new ProducerRecord<>(topic, key, serializer.serialize(topic, value));
  }

  /** How long one write waits for Kafka at most. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /** The ack timeout, or less when less is left of the webhook's hold. */
  private long bounded(Duration left) {
    return Math.min(ackTimeout.toMillis(), left.toMillis());
  }

  /**
   * Writes the webhook and returns once every in-sync replica has it, waiting no longer than the
   * ack timeout or what is left of the webhook's hold.
   *
   * @throws KafkaUnavailableException when Kafka does not acknowledge in time
   */
  public void publishDurably(WebhookReceived event, Duration left) {
    try {
      producer.send(record(Topics.WEBHOOKS.name(), event.getTenantNumber(), webhooks, event))
          .get(bounded(left), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new KafkaUnavailableException("Webhook " + event.getEventId() + " not acknowledged by Kafka", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while publishing webhook " + event.getEventId(), e);
    }
  }

  /** Records a webhook refused at the edge (forged or missing signature, malformed), without waiting. */
  public void recordRejected(UnroutableWebhook rejection) {
    try {
      producer.send(record(Topics.WEBHOOKS_REJECTED.name(), rejection.getEvent().getTenantNumber(), rejected,
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
   * this record the company's TwiML would never reach the live call. It goes to the partition its
   * reply is written to ({@code replyPartition}, or by key when null), where the deferral join meets
   * them.
   */
  public void recordDeferral(CallDeferred deferral, Integer replyPartition, Duration left) {
    try {
      String topic = Topics.DEFERRALS.name();
      producer.send(new ProducerRecord<>(topic, replyPartition, deferral.getEventId(),
          deferrals.serialize(topic, deferral)))
          .get(bounded(left), TimeUnit.MILLISECONDS);
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
      producer.send(record(Topics.CALL_EVENTS.name(), key, callEvents, event), (metadata, error) -> {
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
    producer.close(Duration.ofSeconds(5));
  }
}
