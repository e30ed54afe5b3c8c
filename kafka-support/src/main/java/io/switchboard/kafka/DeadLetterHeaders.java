package io.switchboard.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Headers that say why a record was dead-lettered and where it came from, so an operator can
 * inspect it and send it back once the cause is fixed. Reasons are exception messages written by
 * Switchboard, which never contain credentials.
 */
public final class DeadLetterHeaders {

  public static final String SOURCE_TOPIC = "switchboard.dlt.source-topic";
  public static final String SOURCE_PARTITION = "switchboard.dlt.source-partition";
  public static final String SOURCE_OFFSET = "switchboard.dlt.source-offset";
  public static final String REASON = "switchboard.dlt.reason";
  public static final String EXCEPTION = "switchboard.dlt.exception";
  public static final String FAILED_AT = "switchboard.dlt.failed-at";
  /** On a record sent back by an operator: where it was dead-lettered. */
  public static final String REDRIVEN_FROM = "switchboard.redriven-from";
  /**
   * On a side effect sent back by an operator who checked Twilio: perform it although it has a
   * FAILED or UNKNOWN outcome. An APPLIED effect is never performed again.
   */
  public static final String REDRIVE_FORCE = "switchboard.redrive.force";

  private DeadLetterHeaders() {}

  public static void add(Headers headers, ConsumerRecord<?, ?> source, Exception error) {
    add(headers, source.topic(), source.partition(), source.offset(), error);
  }

  /** The same for a record known by its position, as a Streams processor knows it. */
  public static void add(Headers headers, String topic, int partition, long offset, Exception error) {
    put(headers, SOURCE_TOPIC, topic);
    put(headers, SOURCE_PARTITION, Integer.toString(partition));
    put(headers, SOURCE_OFFSET, Long.toString(offset));
    put(headers, REASON, String.valueOf(error.getMessage()));
    put(headers, EXCEPTION, error.getClass().getName());
    put(headers, FAILED_AT, Instant.now().toString());
  }

  public static String get(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
