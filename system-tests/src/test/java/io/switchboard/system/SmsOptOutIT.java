package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A recipient who texts STOP to a company's number is kept as opted out of that company's messages:
 * the outbound SMS API refuses them with a clear error instead of calling Twilio, until they text
 * START; HELP is answered with the company's help text.
 */
class SmsOptOutIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldRefuseAnOptedOutRecipientUntilTheyTextStart() throws Exception {
    SwitchboardServices services = SharedStack.services();
    var stack = SharedStack.stack();
    String company = "optout-" + ThreadLocalRandom.current().nextInt(1_000_000);
    String account = String.format("AC%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    String token = "o".repeat(32);
    String number = "+1555606" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    String customer = "+1555707" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    stack.twilio().register(account, token, TwilioStandIn.Behaviour.OK);
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", company)
          .append("companyName", "Opt-out Bakery").append("twilioConfig", new Document("accountSid", account)
              .append("authToken", token).append("phoneNumber", number).append("callRoutingMode", "voicemail")
              .append("smsAutoReply", "Thanks, we got your message")));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null, Duration.ofSeconds(30));
    Webhooks.awaitIngressKnows(services.ingressUrl(), company, token);
    // The API's messages to the customer (a reply that missed the reply budget is sent through the API too).
    LongSupplier sent = () -> stack.twilio().received().stream().filter(r -> account.equals(r.authUser())
        && "POST".equals(r.method()) && r.template() != null && r.template().endsWith("/Messages.json")
        && r.form().getOrDefault("Body", List.of("")).get(0).startsWith("Half-price")).count();
    String key = company + ":" + customer;

    String help = text(services, account, token, customer, number, "help");
    assertThat(help).contains("<Message>Opt-out Bakery: reply STOP to stop receiving messages");

    String stop = text(services, account, token, customer, number, " Stop ");
    assertThat(stop).doesNotContain("<Message>");
    TopicTables.awaitTable(stack.kafkaClients(), Topics.SMS_OPT_OUTS, t -> t.get(key) != null && t.get(key).getOptedOut(),
        Duration.ofSeconds(30));
    HttpResponse<String> refused = await("the company API knows of the opt-out").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> sms(services, company, customer, "sale-1"),
            response -> response.statusCode() == 422);
    assertThat(JSON.readTree(refused.body()).path("errors").get(0).path("field").asText()).isEqualTo("to");
    assertThat(refused.body()).contains("has opted out").contains("replied STOP").contains("START");
    assertThat(sent.getAsLong()).isZero();

    String start = text(services, account, token, customer, number, "START");
    assertThat(start).doesNotContain("<Message>");
    HttpResponse<String> accepted = await("the opt-in is known").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> sms(services, company, customer, "sale-2"),
            response -> response.statusCode() == 202);
    assertThat(accepted.body()).contains(customer);
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.getAsLong() == 1);
    assertThat(text(services, account, token, customer, number, "what time do you open?"))
        .contains("<Message>Thanks, we got your message</Message>");
  }

  static String text(SwitchboardServices services, String account, String token, String from, String to,
      String body) throws Exception {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("AccountSid", List.of(account));
    form.put("ApiVersion", List.of("2010-04-01"));
    form.put("Body", List.of(body));
    form.put("From", List.of(from));
    form.put("MessageSid", List.of(String.format("SM%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE))));
    form.put("NumMedia", List.of("0"));
    form.put("To", List.of(to));
    HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/sms", form, token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  static HttpResponse<String> sms(SwitchboardServices services, String company, String to, String key)
      throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(services.adminUrl() + "/api/companies/"
            + company + "/sms")).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("to", to,
            "body", "Half-price croissants today"))))
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .header("Authorization", "Bearer " + services.tokens().companyToken(company, Duration.ofMinutes(5))).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
