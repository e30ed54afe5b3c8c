package io.switchboard.ingress.kafka;

import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each TwiML reply from {@code switchboard.replies} to the request waiting for it. Every
 * ingress instance reads every partition from the end (no consumer group), and its position is
 * fixed before it serves, so no reply to a request it accepted can pass unseen. Only replies
 * someone waits for are decoded.
 */
public final class ReplyWaiter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReplyWaiter.class);

  private final KafkaClients clients;
  private final Map<String, CompletableFuture<TwimlReply>> waiting = new ConcurrentHashMap<>();
  private final CountDownLatch positioned = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Thread thread;

  public ReplyWaiter(KafkaClients clients) {
    this.clients = clients;
  }

  public void start() throws InterruptedException {
    thread = new Thread(this::run, "reply-waiter");
    thread.setDaemon(true);
    thread.start();
    if (!positioned.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Could not position on " + Topics.REPLIES.name() + " within 30 s");
    }
  }

  /** Registers interest in an event's reply; call before publishing the event. */
  public CompletableFuture<TwimlReply> expect(String eventId) {
    return waiting.computeIfAbsent(eventId, id -> new CompletableFuture<>());
  }

  public void forget(String eventId) {
    waiting.remove(eventId);
  }

  private void run() {
    Deserializer<TwimlReply> reader = Topics.REPLIES.valueSerde(clients.registry()).deserializer();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(clients.consumerProperties(null, "ingress-replies"),
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      consumer = c;
      List<TopicPartition> partitions = c.partitionsFor(Topics.REPLIES.name(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(partitions);
      c.seekToEnd(partitions);
      partitions.forEach(c::position);
      positioned.countDown();
      while (running) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(100))) {
          CompletableFuture<TwimlReply> future = record.key() == null ? null : waiting.remove(record.key());
          if (future != null) {
            try {
              future.complete(reader.deserialize(record.topic(), record.value()));
            } catch (RuntimeException e) {
              future.completeExceptionally(e);
            }
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("Reply waiter woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("Reply waiter stopped: {}", e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
