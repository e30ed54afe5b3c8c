package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.ingress.kafka.ReplyWaiter;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.kafka.Topics;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * TwiML too long for a call update is fetched by Twilio from the ingress by URL; behind a load
 * balancer the fetch can reach an instance that never saw the reply. A reply waiter that started
 * after the reply was written (another instance, as far as the reply is concerned) still serves it,
 * read back from switchboard.replies; before, it answered 404.
 */
class LongReplyIT {

  @Test
  void shouldServeALongReplyToAnInstanceThatNeverSawIt() throws Exception {
    var clients = SharedStack.stack().kafkaClients();
    String eventId = UUID.randomUUID().toString();
    String twiml = "<Response><Say>" + "A long greeting. ".repeat(300) + "</Say></Response>";
    assertThat(twiml.length()).isGreaterThan(ReplyWaiter.TWIML_UPDATE_LIMIT);
    try (KafkaProducer<String, TwimlReply> producer = clients.producer(Topics.REPLIES, "long-reply-it")) {
      producer.send(new ProducerRecord<>(Topics.REPLIES.name(), eventId, TwimlReply.newBuilder().setEventId(eventId)
          .setCompanyId("long-reply-company").setTwiml(twiml).setProducedAt(Instant.now()).build())).get();
    }

    // An instance of another deployment (its own group): it never read the reply, whatever its partitions.
    ReplyWaiter otherInstance = new ReplyWaiter(clients, "long-reply-it-" + UUID.randomUUID());
    otherInstance.start();
    try {
      assertThat(otherInstance.longReply(eventId)).hasValueSatisfying(reply -> {
        assertThat(reply.getTwiml()).isEqualTo(twiml);
        assertThat(reply.getCompanyId()).isEqualTo("long-reply-company");
      });
      assertThat(otherInstance.longReply(UUID.randomUUID().toString())).isEmpty();
    } finally {
      otherInstance.close();
    }
  }
}
