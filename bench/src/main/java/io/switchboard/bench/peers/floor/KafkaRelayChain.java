package io.switchboard.bench.peers.floor;

import io.switchboard.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka part of the composed floor: a record goes through three topics as a webhook does
 * (ingress → resolver → call-handler → ingress), with the producer and consumer settings
 * Switchboard uses ({@link KafkaClients}: idempotent, acks=all, linger 0, read_committed, the same
 * fetch wait). The first two relays only forward the bytes; the last one completes whoever waits
 * for the record's key. No logic, no serialization beyond bytes.
 */
public final class KafkaRelayChain implements AutoCloseable {

  static final int TOPICS = 3;
  private static final String TOPIC_PREFIX = "bench.floor-hop-";

  private final KafkaClients clients;
  private final int partitions;
  private final Map<String, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
  private final List<Relay> relays = new ArrayList<>();
  private KafkaProducer<String, byte[]> producer;

  public KafkaRelayChain(KafkaClients clients, int partitions) {
    this.clients = clients;
    this.partitions = partitions;
  }

  public KafkaRelayChain start() throws InterruptedException {
    createTopics();
    producer = new KafkaProducer<>(clients.producerProperties("bench-floor-ingress"), new StringSerializer(),
        new ByteArraySerializer());
    for (int hop = 1; hop <= TOPICS; hop++) {
      Relay relay = new Relay(hop);
      relays.add(relay);
      relay.start();
    }
    for (Relay relay : relays) {
      relay.awaitPositioned();
    }
    return this;
  }

  /**
   * Produces {@code value} under {@code key} to the first topic; the future ends with the value when
   * the record leaves the last topic, or exceptionally when a produce failed.
   */
  public CompletableFuture<byte[]> send(String key, byte[] value) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    waiting.put(key, done);
    producer.send(new ProducerRecord<>(topic(1), key, value), (metadata, error) -> {
      if (error != null) {
        fail(key, error);
      }
    });
    return done;
  }

  /** Stops waiting for a key (the request gave up). */
  public void forget(String key) {
    waiting.remove(key);
  }

  private void fail(String key, Exception error) {
    CompletableFuture<byte[]> done = waiting.remove(key);
    if (done != null) {
      done.completeExceptionally(error);
    }
  }

  private static String topic(int hop) {
    return TOPIC_PREFIX + hop;
  }

  private void createTopics() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, clients.bootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      for (int hop = 1; hop <= TOPICS; hop++) {
        topics.add(new NewTopic(topic(hop), partitions, (short) 1));
      }
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create the floor's topics", e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating the floor's topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("The floor's topics not created within 30 s", e);
    }
  }

  /** Reads one topic from its end and forwards each record to the next topic, or ends it. */
  private final class Relay implements Runnable {
    private final int hop;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    Relay(int hop) {
      this.hop = hop;
      this.thread = new Thread(this, "bench-floor-hop-" + hop);
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void awaitPositioned() throws InterruptedException {
      if (!positioned.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Relay " + hop + " not positioned within 30 s");
      }
    }

    @Override
    public void run() {
      KafkaProducer<String, byte[]> next = hop < TOPICS ? new KafkaProducer<>(
          clients.producerProperties("bench-floor-hop-" + hop), new StringSerializer(), new ByteArraySerializer())
          : null;
      try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(clients.consumerProperties(null,
          "bench-floor-hop-" + hop), new StringDeserializer(), new ByteArrayDeserializer())) {
        consumer = c;
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          assigned.add(new TopicPartition(topic(hop), p));
        }
        c.assign(assigned);
        c.seekToEnd(assigned);
        assigned.forEach(c::position);
        positioned.countDown();
        while (running) {
          for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(100))) {
            if (next != null) {
              String key = record.key();
              next.send(new ProducerRecord<>(topic(hop + 1), key, record.value()), (metadata, error) -> {
                if (error != null) {
                  fail(key, error);
                }
              });
            } else {
              CompletableFuture<byte[]> done = waiting.remove(record.key());
              if (done != null) {
                done.complete(record.value());
              }
            }
          }
        }
      } catch (WakeupException e) {
        // stopping
      } finally {
        if (next != null) {
          next.close(Duration.ofSeconds(5));
        }
      }
    }

    void stop() {
      running = false;
      KafkaConsumer<String, byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    relays.forEach(Relay::stop);
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
