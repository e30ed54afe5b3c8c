package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Changes made directly in MongoDB (insert, update, replace, delete) reach the phone routes, and
 * how long that takes, measured on the local stack.
 */
class TenantRoutingIT {

  private static KafkaClients clients;
  private static MongoClient mongo;
  private static MongoCollection<Document> companies;
  private static TopicWatcher<PhoneRoute> routes;

  @BeforeAll
  static void start() {
    var stack = SharedStack.stack();
    SharedStack.services();
    clients = stack.kafkaClients();
    mongo = MongoClients.create(stack.mongoUri());
    companies = mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies");
    routes = new TopicWatcher<>(clients, Topics.PHONE_ROUTES);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    routes.close();
    mongo.close();
  }

  @Test
  void shouldFollowEveryKindOfChangeMadeInMongoDb() {
    String block = block();
    String first = number(block, 1);
    String second = number(block, 2);
    String third = number(block, 3);
    ObjectId id = new ObjectId();
    Instant start = Instant.now();

    companies.insertOne(company(id, "voicemail", first, second));
    awaitRoute(first, r -> r.getCompanyId().equals(id.toHexString()), start);
    awaitRoute(second, r -> r.getStatus() == NumberStatus.ACTIVE, start);

    Instant added = Instant.now();
    companies.updateOne(Filters.eq("_id", id), Updates.push("twilioConfig.phoneNumbers",
        new Document("phoneNumber", third).append("status", "active").append("isPrimary", false)));
    awaitRoute(third, r -> r.getCompanyId().equals(id.toHexString()), added);

    Instant deactivated = Instant.now();
    companies.updateOne(Filters.eq("_id", id), Updates.set("twilioConfig.phoneNumbers.1.status", "inactive"));
    awaitRoute(second, r -> r.getStatus() == NumberStatus.INACTIVE, deactivated);

    Instant modeChanged = Instant.now();
    companies.updateOne(Filters.eq("_id", id), Updates.combine(
        Updates.set("twilioConfig.callRoutingMode", "forward"), Updates.set("twilioConfig.forwardNumber", "+15559876543")));
    awaitRoute(first, r -> r.getRoute().getRoutingMode() == RoutingMode.FORWARD
        && "+15559876543".equals(r.getRoute().getForwardNumber()), modeChanged);

    Instant removed = Instant.now();
    companies.updateOne(Filters.eq("_id", id),
        Updates.pull("twilioConfig.phoneNumbers", new Document("phoneNumber", third)));
    awaitRoute(third, Objects::isNull, removed);

    Instant replaced = Instant.now();
    companies.replaceOne(Filters.eq("_id", id), company(id, "ai-agent", third));
    awaitRoute(first, Objects::isNull, replaced);
    awaitRoute(third, r -> r != null && r.getRoute().getRoutingMode() == RoutingMode.AI_AGENT, replaced);

    Instant deleted = Instant.now();
    companies.deleteOne(Filters.eq("_id", id));
    awaitRoute(third, Objects::isNull, deleted);
  }

  @Test
  void shouldKeepAContestedNumberWithTheEarlierCompanyAndNameTheOther() {
    String contested = number(block(), 1);
    ObjectId earlier = new ObjectId();
    ObjectId later = new ObjectId();
    Instant start = Instant.now();
    companies.insertOne(company(earlier, "voicemail", contested));
    awaitRoute(contested, r -> r.getCompanyId().equals(earlier.toHexString()), start);

    Instant claimed = Instant.now();
    companies.insertOne(company(later, "forward", contested));

    PhoneRoute route = awaitRoute(contested, r -> !r.getConflictingCompanyIds().isEmpty(), claimed);
    assertThat(route.getCompanyId()).isEqualTo(earlier.toHexString());
    assertThat(route.getConflictingCompanyIds()).containsExactly(later.toHexString());
  }

  @Test
  void shouldMeasureHowLongAMongoDbWriteTakesToChangeRouting() throws IOException {
    String number = number(block(), 1);
    ObjectId id = new ObjectId();
    Instant start = Instant.now();
    companies.insertOne(company(id, "voicemail", number));
    awaitRoute(number, r -> r.getCompanyId().equals(id.toHexString()), start);

    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String mode = i % 2 == 0 ? "forward" : "voicemail";
      RoutingMode expected = i % 2 == 0 ? RoutingMode.FORWARD : RoutingMode.VOICEMAIL;
      Instant written = Instant.now();
      companies.updateOne(Filters.eq("_id", id), Updates.set("twilioConfig.callRoutingMode", mode));
      awaitRoute(number, r -> r != null && r.getRoute().getRoutingMode() == expected, written);
      millis.add(Duration.between(written, Instant.now()).toMillis());
    }

    millis.sort(Long::compare);
    String report = String.format("config propagation MongoDB write -> tenants.phone-routes over %d writes: "
            + "p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n", millis.size(), millis.get(millis.size() / 2),
        millis.get((int) (millis.size() * 0.9)), millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
        millis.get(millis.size() - 1));
    System.out.print(report);
    Files.writeString(Path.of("target/config-propagation.txt"), report);
    assertThat(millis).hasSize(40);
  }

  private static PhoneRoute awaitRoute(String number, Predicate<PhoneRoute> match, Instant since) {
    var seen = routes.await(number, match, since, Duration.ofSeconds(20));
    assertThat(seen).as("route of %s after %s", number, since).isPresent();
    return seen.get().value();
  }

  private static String block() {
    return String.format("%03d", 100 + ThreadLocalRandom.current().nextInt(900));
  }

  private static String number(String block, int n) {
    return "+1555" + block + String.format("%04d", 7000 + n + ThreadLocalRandom.current().nextInt(900) * 3);
  }

  private static Document company(ObjectId id, String mode, String... numbers) {
    List<Document> entries = new ArrayList<>();
    for (int i = 0; i < numbers.length; i++) {
      entries.add(new Document("phoneNumber", numbers[i]).append("status", "active").append("isPrimary", i == 0));
    }
    return new Document("_id", id).append("companyName", "Routing " + id).append("twilioConfig",
        new Document("accountSid", "AC" + "c".repeat(32)).append("phoneNumbers", entries)
            .append("callRoutingMode", mode));
  }
}
