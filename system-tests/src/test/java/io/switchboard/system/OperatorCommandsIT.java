package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.switchboard.cli.SwitchboardCli;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.SideEffectStatus;
import io.switchboard.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * An operator finds a message that failed because its company had no credentials, reads why, fixes
 * the company, and sends the message back: it is sent once. The health table lists the companies.
 */
class OperatorCommandsIT {

  @Test
  void shouldListShowAndRedriveADeadLetteredMessageOnceItsCauseIsFixed() throws Exception {
    var stack = SharedStack.stack();
    SharedStack.services();
    String company = "operator-" + ThreadLocalRandom.current().nextInt(1_000_000);
    String accountSid = String.format("AC%032d", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    String number = "+1555404" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      var companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
      companies.insertOne(new Document("_id", company).append("twilioConfig", new Document("accountSid", accountSid)
          .append("phoneNumber", number).append("callRoutingMode", "voicemail")));
      TopicTables.awaitTable(stack.kafkaClients(), Topics.COMPANY_CONFIG, t -> t.get(company) != null,
          Duration.ofSeconds(20));
      String effectId = "SEND_SMS:" + company;
      try (KafkaProducer<String, SideEffect> producer = stack.kafkaClients().producer(Topics.SIDE_EFFECTS, "it")) {
        producer.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effectId, SideEffect.newBuilder()
            .setEffectId(effectId).setKind(SideEffectKind.SEND_SMS).setEventId(company).setCompanyId(company)
            .setTo("+15557654321").setFrom(number).setBody("Thanks for calling").setRequestedAt(Instant.now()).build()))
            .get();
      }

      String line = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
          Cli.runOnSharedStack("dlt", "list", "--topic", Topics.SIDE_EFFECTS_DLT.name()).lines()
              .filter(l -> l.contains("key=" + effectId)).findFirst().orElse(null), found -> found != null);
      assertThat(line).as("dead-lettered effect").isNotNull().contains("has no Twilio credentials")
          .contains("from " + Topics.SIDE_EFFECTS.name());
      Matcher position = Pattern.compile("^(\\S+) (\\d+) (\\d+) ").matcher(line);
      assertThat(position.find()).isTrue();
      String[] where = {position.group(1), position.group(2), position.group(3)};

      String shown = Cli.runOnSharedStack("dlt", "show", where[0], where[1], where[2]);
      assertThat(shown).contains("switchboard.dlt.reason = company " + company + " has no Twilio credentials")
          .contains("Thanks for calling");

      stack.twilio().register(accountSid, "o".repeat(32), TwilioStandIn.Behaviour.OK);
      String callHandler = SharedStack.services().processUrls().get("call-handler");
      double seenBefore = Probes.companyConfigRecordsSeen(callHandler);
      companies.updateOne(Filters.eq("_id", company), Updates.set("twilioConfig.authToken", "o".repeat(32)));
      TopicTables.awaitTable(stack.kafkaClients(), Topics.COMPANY_CONFIG,
          t -> t.get(company) != null && t.get(company).getAuthToken() != null, Duration.ofSeconds(20));
      await("the call-handler has the new config").atMost(Duration.ofSeconds(20))
          .until(() -> Probes.companyConfigRecordsSeen(callHandler) > seenBefore);

      assertThat(Cli.runOnSharedStack("dlt", "redrive", where[0], where[1], where[2], "--force")).contains("back to "
          + Topics.SIDE_EFFECTS.name());
      Supplier<List<TwilioStandIn.Received>> messages = () -> stack.twilio().received().stream()
          .filter(r -> accountSid.equals(r.authUser()) && r.template() != null
              && r.template().endsWith("/Messages.json") && r.status() == 200).toList();
      await().atMost(Duration.ofSeconds(20)).until(() -> !messages.get().isEmpty());
      List<TwilioStandIn.Received> sent = await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
          .until(messages::get, list -> list.size() == 1);
      assertThat(sent).hasSize(1);
      assertThat(sent.get(0).form()).containsEntry("From", List.of(number));

      assertThat(Cli.runOnSharedStack("dlt", "redrive", where[0], where[1], where[2], "--force")).contains("back to");
      await("an applied message is never sent again, even when forced").during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10)).until(() -> messages.get().size() == 1);
    }
    assertThat(Cli.runOnSharedStack("tenants", "health")).startsWith("COMPANY").contains("companies");
  }
  /**
   * Twilio sends the message but the connection drops before its answer: the outcome is UNKNOWN, not
   * FAILED, and dead-lettered. A forced redrive asks Twilio first, finds the message, and records it
   * APPLIED without sending it again.
   */
  @Test
  void shouldAskTwilioBeforeRedrivingAnEffectWhoseOutcomeIsUnknownAndNeverSendItTwice() throws Exception {
    var stack = SharedStack.stack();
    SharedStack.services();
    String company = "unknown-" + ThreadLocalRandom.current().nextInt(1_000_000);
    String accountSid = String.format("AC%032d", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    String token = "u".repeat(32);
    String number = "+1555405" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    stack.twilio().register(accountSid, token, TwilioStandIn.Behaviour.ACT_THEN_DROP);
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", company)
          .append("twilioConfig", new Document("accountSid", accountSid).append("authToken", token)
              .append("phoneNumber", number).append("callRoutingMode", "voicemail")));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.COMPANY_CONFIG, t -> t.get(company) != null, Duration.ofSeconds(20));
    String effectId = "SEND_SMS:" + company;
    try (KafkaProducer<String, SideEffect> producer = stack.kafkaClients().producer(Topics.SIDE_EFFECTS, "it")) {
      producer.send(new ProducerRecord<>(Topics.SIDE_EFFECTS.name(), effectId, SideEffect.newBuilder()
          .setEffectId(effectId).setKind(SideEffectKind.SEND_SMS).setEventId(company).setCompanyId(company)
          .setTo("+15557654321").setFrom(number).setBody("We got your message").setRequestedAt(Instant.now()).build()))
          .get();
    }
    Supplier<List<TwilioStandIn.Received>> sends = () -> stack.twilio().received().stream()
        .filter(r -> accountSid.equals(r.authUser()) && "POST".equals(r.method()) && r.template() != null
            && r.template().endsWith("/Messages.json")).toList();

    String line = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        Cli.runOnSharedStack("dlt", "list", "--topic", Topics.SIDE_EFFECTS_DLT.name()).lines()
            .filter(l -> l.contains("key=" + effectId)).findFirst().orElse(null), found -> found != null);
    assertThat(sends.get()).hasSize(1);
    assertThat(TopicTables.awaitTable(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES,
        t -> t.get(effectId) != null && t.get(effectId).getStatus() != SideEffectStatus.STARTED, Duration.ofSeconds(20))
        .get(effectId).getStatus()).isEqualTo(SideEffectStatus.UNKNOWN);

    Matcher position = Pattern.compile("^(\\S+) (\\d+) (\\d+) ").matcher(line);
    assertThat(position.find()).isTrue();
    stack.twilio().register(accountSid, token, TwilioStandIn.Behaviour.OK);
    assertThat(Cli.runOnSharedStack("dlt", "redrive", position.group(1), position.group(2), position.group(3),
        "--force")).contains("back to " + Topics.SIDE_EFFECTS.name());

    var outcome = TopicTables.awaitTable(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES,
        t -> t.get(effectId) != null && t.get(effectId).getStatus() == SideEffectStatus.APPLIED, Duration.ofSeconds(30))
        .get(effectId);
    assertThat(outcome.getTwilioSid()).startsWith("SM");
    assertThat(outcome.getDetail()).contains("Twilio lists message " + outcome.getTwilioSid());
    assertThat(stack.twilio().received()).anySatisfy(r -> {
      assertThat(r.authUser()).isEqualTo(accountSid);
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.template()).endsWith("/Messages.json");
    });
    await("the message is not sent again").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> sends.get().size() == 1);
  }


  @Test
  void shouldSayInOneLineWhatIsWrongWithoutAStackTrace() {
    StringWriter err = new StringWriter();
    int code = SwitchboardCli.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
        .execute("dlt", "show", Topics.SIDE_EFFECTS_DLT.name(), "0", "999999", "--bootstrap-servers",
            SharedStack.stack().bootstrapServers(), "--registry-url", SharedStack.stack().registryUrl());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().trim()).isEqualTo("switchboard: no record at " + Topics.SIDE_EFFECTS_DLT.name()
        + "-0@999999").doesNotContain("\tat ");
  }
}
