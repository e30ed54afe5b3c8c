package io.switchboard.bench;

import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.kafka.KafkaClients;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
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
 * The floor under Switchboard's inline path, measured on the same broker: bare produce→consume hops
 * with the producer and consumer settings Switchboard uses ({@link KafkaClients}: idempotent,
 * acks=all, linger 0, read_committed, the same fetch wait). A record goes through three topics, as
 * a webhook does (ingress → resolver → call-handler → ingress); each relay only forwards the bytes.
 * The one-hop latency is taken at the first relay, the three-hop latency at the end of the chain.
 */
public final class KafkaHopBaseline implements AutoCloseable {

  static final int HOPS = 3;
  private static final String TOPIC_PREFIX = "bench.kafka-hop-";

  private final KafkaClients clients;
  private final int partitions;
  private final int payloadBytes;
  /** A record on its way through the chain: when it was due, and who waits for it. */
  private record InFlight(long intendedNanos, CompletableFuture<Outcome> done) {}

  private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  private final Recorder firstHop = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
  private final List<Relay> relays = new ArrayList<>();
  private KafkaProducer<String, byte[]> producer;

  /** @param payloadBytes the size of each record's value: that of a serialized webhook event */
  public KafkaHopBaseline(KafkaClients clients, int partitions, int payloadBytes) {
    this.clients = clients;
    this.partitions = partitions;
    this.payloadBytes = payloadBytes;
  }

  public KafkaHopBaseline start() throws InterruptedException {
    createTopics();
    producer = new KafkaProducer<>(clients.producerProperties("bench-hop-source"), new StringSerializer(),
        new ByteArraySerializer());
    for (int hop = 1; hop <= HOPS; hop++) {
      Relay relay = new Relay(hop);
      relays.add(relay);
      relay.start();
    }
    for (Relay relay : relays) {
      relay.awaitPositioned();
    }
    return this;
  }

  /** Sends record {@code sequence} into the chain; the future ends when it leaves the last hop. */
  public CompletableFuture<Outcome> send(long sequence, long intendedNanos) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    inFlight.put(sequence, new InFlight(intendedNanos, done));
    byte[] value = new byte[payloadBytes];
    ByteBuffer.wrap(value).putLong(sequence);
    producer.send(new ProducerRecord<>(topic(1), Long.toString(sequence), value), (metadata, error) -> {
      if (error != null) {
        finish(sequence, Outcome.NO_ANSWER);
      }
    });
    return done;
  }

  /** One-hop latencies since the last call, in microseconds from the intended send time. */
  public Histogram firstHopLatencies() {
    return firstHop.getIntervalHistogram();
  }

  private void finish(long sequence, Outcome outcome) {
    InFlight record = inFlight.remove(sequence);
    if (record != null) {
      record.done().complete(outcome);
    }
  }

  private static String topic(int hop) {
    return TOPIC_PREFIX + hop;
  }

  private void createTopics() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, clients.bootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      for (int hop = 1; hop <= HOPS; hop++) {
        topics.add(new NewTopic(topic(hop), partitions, (short) 1));
      }
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create the baseline topics", e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating the baseline topics", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Baseline topics not created within 30 s", e);
    }
  }

  /** Reads one hop's topic from its end and forwards each record to the next hop, or ends it. */
  private final class Relay implements Runnable {
    private final int hop;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    Relay(int hop) {
      this.hop = hop;
      this.thread = new Thread(this, "bench-hop-" + hop);
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
      KafkaProducer<String, byte[]> next = hop < HOPS ? new KafkaProducer<>(
          clients.producerProperties("bench-hop-" + hop), new StringSerializer(), new ByteArraySerializer()) : null;
      try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(clients.consumerProperties(null, "bench-hop-" + hop),
          new StringDeserializer(), new ByteArrayDeserializer())) {
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
            long sequence = ByteBuffer.wrap(record.value()).getLong();
            if (hop == 1) {
              InFlight sent = inFlight.get(sequence);
              if (sent != null) {
                firstHop.recordValue((System.nanoTime() - sent.intendedNanos()) / 1_000);
              }
            }
            if (next != null) {
              next.send(new ProducerRecord<>(topic(hop + 1), record.key(), record.value()), (metadata, error) -> {
                if (error != null) {
                  finish(sequence, Outcome.NO_ANSWER);
                }
              });
            } else {
              finish(sequence, Outcome.OK);
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
