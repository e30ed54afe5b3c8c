package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.ingress.kafka.ReplyWaiter;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode: three brokers and two instances of every process. Webhooks spread over both ingress
 * instances all get their company's answer; each reply is read by the one instance that waits for
 * it (counted by each instance); a long answer is served by either instance.
 */
class ClusterIT {

  private static final String ACCOUNT = "AC" + "c1".repeat(16);
  private static final String TOKEN = "k".repeat(32);
  private static final String NUMBER = "+15558401000";
  private static final int CALLS = 200;

  @Test
  void shouldAnswerWebhooksOverTwoIngressInstancesAndReadEachReplyOnce() throws Exception {
    try (LocalStack stack = LocalStack.startClustered(SharedStack.stack().registryUrl(), 3);
        SwitchboardServices services = SwitchboardServices.startCluster(stack, null, Map.of(), 2)) {
      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
            "cluster-co").append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
                .append("phoneNumber", NUMBER).append("callRoutingMode", "forward")
                .append("forwardNumber", "+15559876543")));
      }
      List<String> ingresses = services.urls("ingress-gateway");
      assertThat(ingresses).hasSize(2);
      for (String url : services.urls("ingress-gateway")) {
        await("both ingress instances know the company").atMost(Duration.ofSeconds(60))
            .until(() -> Webhooks.postVia(url, services.publicBaseUrl(), "/api/twilio/whisper?companyId=cluster-co",
                Map.of("CallSid", List.of("CAprobe")), TOKEN).statusCode() == 200);
        await("ready").atMost(Duration.ofSeconds(60)).until(() -> Probes.readiness(url).statusCode() == 200);
      }
      double[] before = repliesRead(ingresses);

      List<HttpResponse<String>> answers = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        answers.add(Webhooks.postVia(ingresses.get(i % 2), services.publicBaseUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(ACCOUNT, String.format("CA%032d", i), "+15557654321", NUMBER), TOKEN));
      }
      assertThat(answers).allSatisfy(answer -> {
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("<Dial").contains("+15559876543");
      });

      // Each reply read once: by the instance whose request named its partition.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        double[] after = repliesRead(ingresses);
        double first = after[0] - before[0];
        double second = after[1] - before[1];
        assertThat(first + second).isEqualTo(CALLS);
        assertThat(first).isBetween(CALLS / 2.0 - 1, CALLS / 2.0 + 1);
      });

      // A long answer, kept by the instance that read it, is served by the other one too.
      String eventId = UUID.randomUUID().toString();
      String twiml = "<Response><Say>" + "A long greeting. ".repeat(300) + "</Say></Response>";
      assertThat(twiml.length()).isGreaterThan(ReplyWaiter.TWIML_UPDATE_LIMIT);
      try (KafkaProducer<String, TwimlReply> producer = stack.kafkaClients().producer(Topics.REPLIES, "cluster-it")) {
        producer.send(new ProducerRecord<>(Topics.REPLIES.name(), eventId, TwimlReply.newBuilder().setEventId(eventId)
            .setCompanyId("cluster-co").setTwiml(twiml).setProducedAt(Instant.now()).build())).get();
      }
      String path = "/api/twilio/deferred-twiml?companyId=cluster-co&eventId=" + eventId;
      for (String url : ingresses) {
        HttpResponse<String> fetched = Webhooks.postVia(url, services.publicBaseUrl(), path, Map.of(), TOKEN);
        assertThat(fetched.statusCode()).as(url).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(twiml);
      }
    }
  }

  /** Replies each instance has read from switchboard.replies (its own count of its reply consumer's records). */
  private static double[] repliesRead(List<String> ingresses) {
    double[] read = new double[ingresses.size()];
    for (int i = 0; i < ingresses.size(); i++) {
      read[i] = Probes.metric(Probes.scrape(ingresses.get(i)), "switchboard_replies_read_total");
    }
    return read;
  }
}
