package io.switchboard.callhandler.kafka;

import io.switchboard.callhandler.Answer;
import io.switchboard.callhandler.CallEvents;
import io.switchboard.callhandler.TwimlFactory;
import io.switchboard.domain.routing.SmsKeywords;
import io.switchboard.domain.twilio.FormFields;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.tenants.SmsOptOut;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes resolved and unroutable webhooks, publishes each one's TwiML reply and call events,
 * and commits the offsets only once Kafka has acknowledged everything it produced (at least once),
 * without holding the next poll for those acknowledgements.
 * A record that does not decode, or for which no answer can be built, goes to the source topic's
 * dead-letter topic with the reason in headers, and the loop goes on.
 */
public final class CallHandlerLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(CallHandlerLoop.class);

  private final KafkaClients clients;
  private final TwimlFactory twiml;
  private final Clock clock;
  private final CallHandlerMetrics metrics;
  private volatile boolean running = true;
  private final Supplier<Consumer<String, byte[]>> consumers;
  private final Supplier<Producer<String, byte[]>> producers;
  private volatile Consumer<String, byte[]> consumer;

  public CallHandlerLoop(KafkaClients clients, TwimlFactory twiml, Clock clock, String groupId,
      CallHandlerMetrics metrics) {
    this(clients, twiml, clock, metrics,
        () -> clients.consumer(groupId, "call-handler", Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer()),
        () -> clients.producer("call-handler", Serdes.String().serializer(), Serdes.ByteArray().serializer()));
  }

  /** With the given consumer and producer factories, called again each time the loop restarts. */
  CallHandlerLoop(KafkaClients clients, TwimlFactory twiml, Clock clock, CallHandlerMetrics metrics,
      Supplier<Consumer<String, byte[]>> consumers, Supplier<Producer<String, byte[]>> producers) {
    this.clients = clients;
    this.metrics = metrics;
    this.twiml = twiml;
    this.clock = clock;
    this.consumers = consumers;
    this.producers = producers;
  }

  @Override
  public void run() {
    while (running) {
      try {
        consume();
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        log.error("Call handler loop failed, restarting from the last committed offsets: {}", e.getMessage());
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void consume() {
    Deserializer<ResolvedWebhook> resolvedReader = Topics.WEBHOOKS_RESOLVED.valueSerde(clients.registry()).deserializer();
    Deserializer<UnroutableWebhook> unroutableReader =
        Topics.WEBHOOKS_UNROUTABLE.valueSerde(clients.registry()).deserializer();
    try (Consumer<String, byte[]> c = consumers.get();
        Output out = new Output(clients, producers.get())) {
      consumer = c;
      Deque<Batch> unacknowledged = new ArrayDeque<>();
      c.subscribe(List.of(Topics.WEBHOOKS_RESOLVED.name(), Topics.WEBHOOKS_UNROUTABLE.name()),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              // Hand over only what Kafka holds: whatever was answered is committed before another instance takes over.
              commitWhenAcknowledged(c, unacknowledged);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
          });
      try {
        while (running) {
          ConsumerRecords<String, byte[]> batch = c.poll(Duration.ofMillis(200));
          commitAcknowledged(c, unacknowledged);
          if (batch.isEmpty()) {
            continue;
          }
          List<Future<RecordMetadata>> sent = new ArrayList<>();
          for (ConsumerRecord<String, byte[]> record : batch) {
            try {
              Instant now = clock.instant();
              if (record.topic().equals(Topics.WEBHOOKS_RESOLVED.name())) {
                handleResolved(resolvedReader.deserialize(record.topic(), record.value()), now, out, sent);
              } else {
                handleUnroutable(unroutableReader.deserialize(record.topic(), record.value()), now, out, sent);
              }
            } catch (RuntimeException e) {
              log.error("Record {}-{}@{} sent to dead letters: {}", record.topic(), record.partition(),
                  record.offset(), e.getMessage());
              sent.add(out.send(deadLetter(record, e)));
            }
          }
          unacknowledged.add(new Batch(sent, nextOffsets(batch)));
        }
      } finally {
        if (!unacknowledged.isEmpty()) {
          commitWhenAcknowledged(c, unacknowledged);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    }
  }

  /**
   * Everything the handler writes goes through one producer: a webhook's reply and its call event
   * leave in the same produce request instead of two.
   */
  private static final class Output implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final Serializer<TwimlReply> replies;
    private final Serializer<CallEvent> events;
    private final Serializer<SmsOptOut> optOuts;

    Output(KafkaClients clients, Producer<String, byte[]> producer) {
      this.replies = clients.valueSerializer(Topics.REPLIES);
      this.events = clients.valueSerializer(Topics.CALL_EVENTS);
      this.optOuts = clients.valueSerializer(Topics.SMS_OPT_OUTS);
      this.producer = producer;
    }

    Future<RecordMetadata> optOut(SmsOptOut optOut) {
      String topic = Topics.SMS_OPT_OUTS.name();
      return producer.send(new ProducerRecord<>(topic, SmsKeywords.key(optOut.getCompanyId(), optOut.getNumber()),
          optOuts.serialize(topic, optOut)));
    }

    Future<RecordMetadata> reply(ProducerRecord<String, TwimlReply> reply) {
      return producer.send(new ProducerRecord<>(reply.topic(), reply.key(), replies.serialize(reply.topic(),
          reply.value())));
    }

    Future<RecordMetadata> event(CallEvent event) {
      String topic = Topics.CALL_EVENTS.name();
      return producer.send(new ProducerRecord<>(topic, CallEvents.key(event), events.serialize(topic, event)));
    }

    Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
      return producer.send(record);
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(5));
    }
  }

  /** What one poll produced, and the offsets to commit once Kafka has acknowledged all of it. */
  private record Batch(List<Future<RecordMetadata>> sent, Map<TopicPartition, OffsetAndMetadata> offsets) {

    boolean acknowledged() {
      for (Future<RecordMetadata> future : sent) {
        if (!future.isDone()) {
          return false;
        }
      }
      awaitAll(sent);
      return true;
    }
  }

  /**
   * Commits, without waiting, the offsets of the oldest batches whose output Kafka has acknowledged.
   * The loop never waits for acknowledgements between polls, so a webhook's TwiML is not held up by
   * the previous batch's round trips; a batch is committed only after everything it produced is
   * durable (at least once), in poll order.
   */
  private static void commitAcknowledged(Consumer<String, byte[]> c, Deque<Batch> unacknowledged) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    while (!unacknowledged.isEmpty() && unacknowledged.peekFirst().acknowledged()) {
      offsets.putAll(unacknowledged.pollFirst().offsets());
    }
    if (!offsets.isEmpty()) {
      c.commitAsync(offsets, (committed, error) -> {
        if (error != null) {
          // A later commit covers these offsets; until then a restart re-answers them (idempotent by event id).
          log.warn("Offset commit failed, a later one will cover it: {}", error.getMessage());
        }
      });
    }
  }

  /** Waits for every batch's output, then commits synchronously: on a rebalance and on stopping. */
  private static void commitWhenAcknowledged(Consumer<String, byte[]> c, Deque<Batch> unacknowledged) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    while (!unacknowledged.isEmpty()) {
      Batch batch = unacknowledged.pollFirst();
      awaitAll(batch.sent());
      offsets.putAll(batch.offsets());
    }
    if (!offsets.isEmpty()) {
      c.commitSync(offsets);
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : batch.partitions()) {
      List<ConsumerRecord<String, byte[]>> records = batch.records(partition);
      offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
    }
    return offsets;
  }

  private void handleResolved(ResolvedWebhook resolved, Instant now, Output out, List<Future<RecordMetadata>> sent) {
    Answer answer = twiml.answer(resolved);
    WebhookReceived event = resolved.getEvent();
    if (event.getKind() == WebhookKind.SMS) {
      // STOP and START are kept per company and sender, for the outbound SMS API to honour.
      String body = FormFields.first(event.getParams(), "Body");
      SmsKeywords.Intent intent = SmsKeywords.intent(body);
      String sender = FormFields.first(event.getParams(), "From");
      if ((intent == SmsKeywords.Intent.OPT_OUT || intent == SmsKeywords.Intent.OPT_IN) && sender != null) {
        sent.add(out.optOut(SmsOptOut.newBuilder().setCompanyId(resolved.getRoute().getCompanyId()).setNumber(sender)
            .setOptedOut(intent == SmsKeywords.Intent.OPT_OUT).setKeyword(SmsKeywords.keyword(body))
            .setMessageSid(event.getMessageSid()).setAt(now).build()));
      }
    }
    if (answer != null) {
      sent.add(out.reply(reply(event, resolved.getRoute().getCompanyId(), answer, now)));
    }
    for (CallEvent callEvent : CallEvents.forResolved(resolved, answer, now)) {
      sent.add(out.event(callEvent));
    }
  }

  private void handleUnroutable(UnroutableWebhook unroutable, Instant now, Output out,
      List<Future<RecordMetadata>> sent) {
    Answer answer = twiml.answer(unroutable);
    if (answer != null) {
      sent.add(out.reply(reply(unroutable.getEvent(), null, answer, now)));
    }
    UnroutableReason reason = unroutable.getReason();
    if (reason == UnroutableReason.SIGNATURE_INVALID || reason == UnroutableReason.MALFORMED) {
      // Refused at the edge: an audit record, not a call.
      return;
    }
    CallEvent callEvent = CallEvents.forUnroutable(unroutable, now);
    sent.add(out.event(callEvent));
  }

  private static ProducerRecord<String, TwimlReply> reply(WebhookReceived event, String companyId, Answer answer,
      Instant now) {
    TwimlReply reply = TwimlReply.newBuilder()
        .setEventId(event.getEventId())
        .setCallSid(event.getCallSid())
        .setCompanyId(companyId)
        .setTwiml(answer.twiml())
        .setSmsReplyBody(answer.smsReplyBody())
        .setProducedAt(now)
        .build();
    return new ProducerRecord<>(Topics.REPLIES.name(), event.getEventId(), reply);
  }

  private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, Exception error) {
    Topic<String, byte[]> dlt = record.topic().equals(Topics.WEBHOOKS_RESOLVED.name())
        ? Topics.WEBHOOKS_RESOLVED_DLT : Topics.WEBHOOKS_UNROUTABLE_DLT;
    metrics.deadLetter(dlt.name(), error.getClass().getSimpleName());
    ProducerRecord<String, byte[]> out = new ProducerRecord<>(dlt.name(), record.key(), record.value());
    DeadLetterHeaders.add(out.headers(), record, error);
    return out;
  }

  private static void awaitAll(List<Future<RecordMetadata>> sent) {
    try {
      for (Future<RecordMetadata> future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      // Not committing: the batch is consumed again and re-answered (replies and events are idempotent by event id).
      throw new IllegalStateException("Kafka did not acknowledge the handler's output", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for acknowledgements", e);
    }
  }

  public void stop() {
    running = false;
    Consumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

}
