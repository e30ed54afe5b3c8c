package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.schemas.kafka.Topics;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the resolver's processing guarantee costs a caller: the same signed webhooks answered
 * inline, once with at-least-once and once with exactly-once v2, each on a cluster of its own.
 * Reported as figures (target/processing-guarantee-latency.txt), not asserted.
 */
class ProcessingGuaranteeLatencyIT {

  private static final int WARM_UP = 20;
  private static final int MEASURED = 100;

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void shouldReportInlineLatencyUnderEachGuarantee(String guarantee) throws Exception {
    try (LocalStack stack = LocalStack.startWithRegistry(SharedStack.stack().registryUrl());
        SwitchboardServices services = SwitchboardServices.start(stack, null,
            Map.of("switchboard.resolver.processing-guarantee", guarantee))) {
      String token = "9".repeat(32);
      String accountSid = "AC" + "9".repeat(32);
      String number = "+15558880001";
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", "bench")
            .append("twilioConfig", new Document("accountSid", accountSid).append("authToken", token)
                .append("phoneNumber", number).append("callRoutingMode", "voicemail").append("recordingEnabled", true)));
      }
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null,
          Duration.ofSeconds(30));

      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < WARM_UP + MEASURED; i++) {
        long start = System.nanoTime();
        HttpResponse<String> response = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
            Webhooks.voiceCall(accountSid, String.format("CA%032d", i), "+15557654321", number), token);
        long elapsed = (System.nanoTime() - start) / 1_000;
        assertThat(response.body()).contains("<Record");
        if (i >= WARM_UP) {
          micros.add(elapsed);
        }
      }
      micros.sort(Long::compare);
      String line = String.format("%-16s inline webhook->TwiML over %d sequential calls: p50 %.1f ms, p99 %.1f ms, "
              + "max %.1f ms%n", guarantee, micros.size(), micros.get(micros.size() / 2) / 1000.0,
          micros.get((int) Math.ceil(micros.size() * 0.99) - 1) / 1000.0, micros.get(micros.size() - 1) / 1000.0);
      System.out.print(line);
      Files.writeString(Path.of("target/processing-guarantee-latency.txt"), line, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }
}
