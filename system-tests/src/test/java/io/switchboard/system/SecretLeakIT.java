package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The whole flow with known Auth Tokens (calls answered inline and deferred, an SMS, callbacks,
 * forged requests, health checks), then a search of every log line, every HTTP answer and every
 * record on every topic, internal ones included: no token appears, in plain text or in base64.
 */
class SecretLeakIT {

  private static final String TOKEN = "L3ak" + "9".repeat(28);
  private static final String ACCOUNT = "AC" + "7".repeat(32);
  private static final String NUMBER = "+15556660001";

  @Test
  void shouldLeaveNoPlaintextTokenInLogsAnswersOrTopics() throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
            "switchboard.ingress.reply-budget", "1ms", "switchboard.health.period", "2s"))) {
      ListAppender<ILoggingEvent> logs = captureLogs();
      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", "leak")
            .append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
                .append("phoneNumber", NUMBER).append("callRoutingMode", "voicemail").append("recordingEnabled", true)
                .append("smsAutoReply", "Thanks, we got your message")));
      }
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(NUMBER) != null,
          Duration.ofSeconds(30));
      Webhooks.awaitIngressKnows(services.ingressUrl(), "leak", TOKEN);

      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        answers.add(Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(ACCOUNT, String.format("CA%032d", i), "+15557654321", NUMBER), TOKEN).body());
      }
      answers.add(Webhooks.post(services.ingressUrl(), "/api/twilio/sms", Map.of("MessageSid", List.of("SM" + "1".repeat(32)),
          "AccountSid", List.of(ACCOUNT), "From", List.of("+15557654321"), "To", List.of(NUMBER),
          "Body", List.of("hello")), TOKEN).body());
      answers.add(Webhooks.post(services.ingressUrl(), "/api/twilio/recording?companyId=leak&eventId=e1",
          Map.of("CallSid", List.of(String.format("CA%032d", 1)), "AccountSid", List.of(ACCOUNT), "RecordingStatus",
              List.of("completed"), "RecordingSid", List.of("RE1")), TOKEN).body());
      HttpResponse<String> forged = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
          Webhooks.voiceCall(ACCOUNT, "CA" + "8".repeat(32), "+15557654321", NUMBER), TOKEN + "x");
      answers.add(forged.body());
      assertThat(forged.statusCode()).isEqualTo(403);
      awaitTwilio(stack.twilio(), 6);
      // Until the flow's records stop coming (the health checks go on writing every period): the scan
      // must see every record the calls, the message and the callbacks produced.
      AtomicLong lastCount = new AtomicLong(-1);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> {
            long now = TopicTables.readAll(stack.kafkaClients(), Topics.CALL_EVENTS).size()
                + TopicTables.readAll(stack.kafkaClients(), Topics.SIDE_EFFECT_OUTCOMES).size()
                + TopicTables.readAll(stack.kafkaClients(), Topics.REPLIES).size();
            return lastCount.getAndSet(now) == now;
          });

      Set<String> forms = Set.of(TOKEN, Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)));
      List<String> leaks = new ArrayList<>();
      for (ILoggingEvent event : List.copyOf(logs.list)) {
        String line = event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
        forms.stream().filter(line::contains).forEach(f -> leaks.add("log line: " + line));
      }
      for (String answer : answers) {
        forms.stream().filter(answer::contains).forEach(f -> leaks.add("HTTP answer: " + answer));
      }
      int records = scanEveryTopic(stack.bootstrapServers(), forms, leaks);

      assertThat(logs.list).as("log lines captured").isNotEmpty();
      assertThat(records).as("records scanned").isGreaterThan(20);
      assertThat(stack.twilio().received()).as("the token was used, with Twilio only").isNotEmpty();
      assertThat(leaks).isEmpty();
      System.out.printf("secret scan: %d log lines, %d HTTP answers, %d records on every topic: no token found%n",
          logs.list.size(), answers.size(), records);
    }
  }

  @Test
  void shouldLogNoTokenFromTheCompanyApiEvenAtDebugAndTrace() throws Exception {
    String newToken = "Fr3sh" + "6".repeat(27);
    String account = "AC" + "5".repeat(32);
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of(
            "logging.level.org.springframework.web", "TRACE", "logging.level.org.springframework.http", "TRACE",
            "logging.level.org.springframework.security", "DEBUG", "logging.level.io.switchboard", "DEBUG",
            "logging.level.org.apache.hc", "DEBUG"))) {
      ListAppender<ILoggingEvent> logs = captureLogs();
      stack.twilio().register(account, TOKEN, TwilioStandIn.Behaviour.OK);
      stack.twilio().register(account, newToken, TwilioStandIn.Behaviour.OK);
      String companyId = new org.bson.types.ObjectId().toHexString();
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
            new org.bson.types.ObjectId(companyId)).append("companyName", "Debug Co").append("twilioConfig",
            new Document("accountSid", account).append("authToken", TOKEN).append("callRoutingMode", "voicemail")));
      }
      String body = "{\"accountSid\":\"" + account + "\",\"authToken\":\"" + newToken + "\",\"callRoutingMode\":"
          + "\"voicemail\",\"phoneNumbers\":[{\"phoneNumber\":\"+15556670001\",\"status\":\"active\"}]}";
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String config = services.adminUrl() + "/api/companies/" + companyId + "/twilio/config";
      HttpResponse<String> put = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(config))
          .header("Authorization", "Bearer " + services.tokens().adminToken(Duration.ofMinutes(5)))
          .header("Content-Type", "application/json")
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> get = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(config))
          .header("Authorization", "Bearer " + services.tokens().adminToken(Duration.ofMinutes(5))).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      assertThat(get.statusCode()).isEqualTo(200);
      Set<String> forms = Set.of(TOKEN, newToken,
          Base64.getEncoder().encodeToString(newToken.getBytes(StandardCharsets.UTF_8)));
      List<String> leaks = new ArrayList<>();
      for (ILoggingEvent event : List.copyOf(logs.list)) {
        String line = event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
        forms.stream().filter(line::contains).forEach(f -> leaks.add(event.getLoggerName() + ": " + line));
      }
      forms.stream().filter(f -> put.body().contains(f) || get.body().contains(f)).forEach(f -> leaks.add("answer"));

      assertThat(logs.list.stream().filter(e -> e.getLevel().toInt() <= ch.qos.logback.classic.Level.DEBUG_INT)
          .count()).as("debug and trace lines captured").isGreaterThan(20);
      assertThat(leaks).isEmpty();
    }
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(context);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    return appender;
  }

  private static void awaitTwilio(TwilioStandIn twilio, int requests) {
    await().atMost(Duration.ofSeconds(30)).until(() -> twilio.received().size() >= requests);
  }

  /** Reads every record of every topic on the cluster as bytes and reports any that contain a secret. */
  private static int scanEveryTopic(String bootstrapServers, Set<String> forms, List<String> leaks) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    Set<String> topics;
    try (Admin admin = Admin.create(props)) {
      topics = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get();
    }
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    int count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          count++;
          String text = (record.key() == null ? "" : new String(record.key(), StandardCharsets.ISO_8859_1))
              + (record.value() == null ? "" : new String(record.value(), StandardCharsets.ISO_8859_1));
          for (var header : record.headers()) {
            text += new String(header.value(), StandardCharsets.ISO_8859_1);
          }
          for (String form : forms) {
            if (text.contains(form)) {
              leaks.add("record on " + record.topic() + "-" + record.partition() + "@" + record.offset());
            }
          }
        }
      }
    }
    return count;
  }
}
