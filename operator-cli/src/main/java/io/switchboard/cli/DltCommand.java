package io.switchboard.cli;

import io.switchboard.kafka.TopicScan;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code switchboard dlt list | show | redrive}: dead-lettered records, their reasons, and sending them back. */
@Command(name = "dlt", mixinStandardHelpOptions = true, description = "Inspect and redrive dead-lettered records.",
    subcommands = {DltCommand.ListRecords.class, DltCommand.Show.class, DltCommand.Redrive.class})
final class DltCommand {

  static final List<Topic<String, byte[]>> DEAD_LETTER_TOPICS = List.of(Topics.WEBHOOKS_DLT,
      Topics.WEBHOOKS_RESOLVED_DLT, Topics.WEBHOOKS_UNROUTABLE_DLT, Topics.COMPANY_CONFIG_DLT, Topics.SIDE_EFFECTS_DLT);

  static List<ConsumerRecord<String, byte[]>> read(KafkaClients clients, List<String> topics) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clients.consumerProperties(null, "switchboard-cli"),
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      TopicScan.readToEnd(consumer, topics, records::add);
    }
    return records;
  }

  static ConsumerRecord<String, byte[]> find(KafkaClients clients, String topic, int partition, long offset) {
    return read(clients, List.of(topic)).stream()
        .filter(r -> r.partition() == partition && r.offset() == offset).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no record at " + topic + "-" + partition + "@" + offset));
  }

  static String header(ConsumerRecord<String, byte[]> record, String name) {
    String value = DeadLetterHeaders.get(record.headers(), name);
    return value == null ? "-" : value;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead-lettered records with their reasons.")
  static final class ListRecords implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", description = "One dead-letter topic (default: all of them)")
    String topic;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      List<String> topics = topic != null ? List.of(topic) : DEAD_LETTER_TOPICS.stream().map(Topic::name).toList();
      List<ConsumerRecord<String, byte[]>> records = read(cluster.clients(), topics);
      PrintWriter out = spec.commandLine().getOut();
      for (ConsumerRecord<String, byte[]> record : records) {
        out.printf("%s %d %d  key=%s  from %s-%s@%s  at %s  %s%n", record.topic(), record.partition(), record.offset(),
            record.key(), header(record, DeadLetterHeaders.SOURCE_TOPIC), header(record, DeadLetterHeaders.SOURCE_PARTITION),
            header(record, DeadLetterHeaders.SOURCE_OFFSET), header(record, DeadLetterHeaders.FAILED_AT),
            header(record, DeadLetterHeaders.REASON));
      }
      out.printf("%d dead-lettered records%n", records.size());
      out.flush();
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead-lettered record in full.")
  static final class Show implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", description = "Dead-letter topic") String topic;
    @Parameters(index = "1", description = "Partition") int partition;
    @Parameters(index = "2", description = "Offset") long offset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      KafkaClients clients = cluster.clients();
      ConsumerRecord<String, byte[]> record = find(clients, topic, partition, offset);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("record    %s-%d@%d, key %s%n", record.topic(), record.partition(), record.offset(), record.key());
      record.headers().forEach(h -> out.printf("header    %s = %s%n", h.key(), new String(h.value(), StandardCharsets.UTF_8)));
      out.printf("value     %s%n", describe(clients, header(record, DeadLetterHeaders.SOURCE_TOPIC), record.value()));
      out.flush();
      return 0;
    }

    private static String describe(KafkaClients clients, String sourceTopic, byte[] value) {
      if (value == null) {
        return "(none)";
      }
      for (Topic<?, ?> topic : Topics.ALL) {
        if (topic.name().equals(sourceTopic) && topic.valueType() != byte[].class) {
          try {
            return String.valueOf(topic.valueSerde(clients.registry()).deserializer().deserialize(sourceTopic, value));
          } catch (RuntimeException e) {
            return "(not a readable " + topic.valueType().getSimpleName() + ": " + e.getMessage() + ") "
                + value.length + " bytes";
          }
        }
      }
      return value.length + " bytes";
    }
  }

  @Command(name = "redrive", mixinStandardHelpOptions = true,
      description = "Send a dead-lettered record back to the topic it came from, once its cause is fixed.")
  static final class Redrive implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", description = "Dead-letter topic") String topic;
    @Parameters(index = "1", description = "Partition") int partition;
    @Parameters(index = "2", description = "Offset") long offset;

    @Option(names = "--force", description = "For a side effect with a FAILED or UNKNOWN outcome: perform it again "
        + "(check Twilio first for an UNKNOWN one). An applied effect is never performed again.")
    boolean force;

    @Option(names = "--dry-run", description = "Say what would be sent, send nothing")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      KafkaClients clients = cluster.clients();
      ConsumerRecord<String, byte[]> record = find(clients, topic, partition, offset);
      String source = header(record, DeadLetterHeaders.SOURCE_TOPIC);
      if (Topics.ALL.stream().noneMatch(t -> t.name().equals(source))) {
        throw new IllegalArgumentException("record names no known source topic (" + source + ")");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (dryRun) {
        out.printf("would send %s-%d@%d (key %s) back to %s%n", topic, partition, offset, record.key(), source);
        out.flush();
        return 0;
      }
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(clients.producerProperties("switchboard-cli"),
          Serdes.String().serializer(), Serdes.ByteArray().serializer())) {
        ProducerRecord<String, byte[]> back = new ProducerRecord<>(source, record.key(), record.value());
        back.headers().add(DeadLetterHeaders.REDRIVEN_FROM, (topic + "-" + partition + "@" + offset)
            .getBytes(StandardCharsets.UTF_8));
        if (force) {
          back.headers().add(DeadLetterHeaders.REDRIVE_FORCE, "true".getBytes(StandardCharsets.UTF_8));
        }
        var metadata = producer.send(back).get(10, TimeUnit.SECONDS);
        out.printf("sent %s-%d@%d back to %s-%d@%d%n", topic, partition, offset, source, metadata.partition(),
            metadata.offset());
      }
      out.flush();
      return 0;
    }
  }
}
