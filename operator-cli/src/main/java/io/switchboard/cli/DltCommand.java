package io.switchboard.cli;

import io.switchboard.kafka.TopicScan;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.kafka.DeadLetters;
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

  static final List<Topic<String, byte[]>> DEAD_LETTER_TOPICS = DeadLetters.TOPICS;

  static String header(ConsumerRecord<String, byte[]> record, String name) {
    return DeadLetters.header(record, name);
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
      List<ConsumerRecord<String, byte[]>> records = new DeadLetters(cluster.clients(), "switchboard-cli").read(topics);
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
      DeadLetters deadLetters = new DeadLetters(cluster.clients(), "switchboard-cli");
      ConsumerRecord<String, byte[]> record = deadLetters.find(topic, partition, offset);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("record    %s-%d@%d, key %s%n", record.topic(), record.partition(), record.offset(), record.key());
      record.headers().forEach(h -> out.printf("header    %s = %s%n", h.key(), new String(h.value(), StandardCharsets.UTF_8)));
      out.printf("value     %s%n", deadLetters.describe(record));
      out.flush();
      return 0;
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
      DeadLetters deadLetters = new DeadLetters(cluster.clients(), "switchboard-cli");
      ConsumerRecord<String, byte[]> record = deadLetters.find(topic, partition, offset);
      String source = DeadLetters.source(record);
      PrintWriter out = spec.commandLine().getOut();
      if (dryRun) {
        out.printf("would send %s-%d@%d (key %s) back to %s%n", topic, partition, offset, record.key(), source);
        out.flush();
        return 0;
      }
      var metadata = deadLetters.redrive(record, force);
      out.printf("sent %s-%d@%d back to %s-%d@%d%n", topic, partition, offset, source, metadata.partition(),
          metadata.offset());
      out.flush();
      return 0;
    }
  }
}
