package io.switchboard.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic the way an outside analytics consumer would: a plain Kafka consumer and a
 * Confluent wire-format decoder that knows nothing but the registry URL. It uses none of
 * Switchboard's classes: writer schemas come from the registry by the id in each record.
 */
final class ConfluentAvroReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bootstrapServers;
  private final String registryUrl;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
  private final Map<String, String> clientProperties;
  private final String registryUserInfo;

  ConfluentAvroReader(String bootstrapServers, String registryUrl) {
    this(bootstrapServers, registryUrl, Map.of(), null);
  }

  /** On a secured cluster: the consumer's security settings and the registry's basic-auth user:password. */
  ConfluentAvroReader(String bootstrapServers, String registryUrl, Map<String, String> clientProperties,
      String registryUserInfo) {
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.clientProperties = clientProperties;
    this.registryUserInfo = registryUserInfo;
  }

  /** Reads the topic from the beginning until a record matches or the timeout passes; returns all matches seen. */
  List<GenericRecord> readUntil(String topic, Predicate<GenericRecord> match, int wanted, Duration timeout) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    List<GenericRecord> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(timeout);
      while (found.size() < wanted && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          if (record.value() != null) {
            GenericRecord value = decode(record.value());
            if (match.test(value)) {
              found.add(value);
            }
          }
        });
      }
    }
    return found;
  }

  GenericRecord decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (buffer.get() != 0) {
      throw new IllegalArgumentException("not Confluent wire format");
    }
    Schema schema = schemas.computeIfAbsent(buffer.getInt(), this::fetch);
    try {
      return new GenericDatumReader<GenericRecord>(schema)
          .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    } catch (IOException e) {
      throw new IllegalArgumentException("undecodable record", e);
    }
  }

  private Schema fetch(int id) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id));
      if (registryUserInfo != null) {
        request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            registryUserInfo.getBytes(StandardCharsets.UTF_8)));
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Schema.Parser().parse(JSON.readTree(response.body()).path("schema").asText());
    } catch (IOException e) {
      throw new IllegalStateException("registry unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
