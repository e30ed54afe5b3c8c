package io.switchboard.ingress.kafka;

/** Kafka did not durably accept a webhook; the ingress must not answer 2xx. */
public class KafkaUnavailableException extends RuntimeException {
  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
