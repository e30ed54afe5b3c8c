package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.KafkaBroker;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.RegistryAuth;
import io.switchboard.schemas.registry.SchemaRegistryClient;
import io.switchboard.schemas.registry.SchemaRegistryException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Every process runs against a cluster that accepts only SASL/SCRAM clients and a schema registry
 * behind basic auth, configured only through {@code switchboard.kafka.properties.*} and
 * {@code switchboard.schema-registry.*}: a signed call is answered with its company's TwiML and its
 * call events are written, while a client without credentials gets neither.
 */
class SecuredClusterIT {

  private static final String TOKEN = "9".repeat(32);
  private static final String ACCOUNT = "AC" + "9".repeat(32);
  private static final String NUMBER = "+15557990001";
  private static final String REGISTRY_USER = "switchboard:registry-" + "s3cret";

  @Test
  void shouldAnswerCallsOnASaslClusterWithAnAuthenticatedRegistry() throws Exception {
    try (BasicAuthProxy registry = new BasicAuthProxy(SharedStack.stack().registryUrl(), REGISTRY_USER);
        LocalStack stack = LocalStack.startSecured(registry.url(),
            new RegistryAuth(REGISTRY_USER, null, null, null, null),
            new KafkaBroker.Credentials("switchboard", "kafka-" + "s3cret"));
        SwitchboardServices services = SwitchboardServices.start(stack, null, Map.of())) {
      stack.twilio().register(ACCOUNT, TOKEN, TwilioStandIn.Behaviour.OK);
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id",
            "secured").append("twilioConfig", new Document("accountSid", ACCOUNT).append("authToken", TOKEN)
                .append("phoneNumber", NUMBER).append("callRoutingMode", "voicemail").append("recordingEnabled", true)));
      }
      TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(NUMBER) != null,
          Duration.ofSeconds(60));
      String callSid = "CA" + "9".repeat(32);

      HttpResponse<String> answer = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
          Webhooks.voiceCall(ACCOUNT, callSid, "+15557654321", NUMBER), TOKEN);

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("<Record");
      ConfluentAvroReader analytics = new ConfluentAvroReader(stack.bootstrapServers(), registry.url(),
          stack.kafkaClientProperties(), REGISTRY_USER);
      List<GenericRecord> events = analytics.readUntil(Topics.CALL_EVENTS.name(),
          r -> callSid.equals(String.valueOf(r.get("callSid"))), 2, Duration.ofSeconds(30));
      assertThat(events).hasSize(2).extracting(e -> e.get("companyId").toString()).containsOnly("secured");
      assertThat(registry.authenticated()).isPositive();
      assertThat(registry.refused()).isZero();
      services.processUrls().forEach((process, url) ->
          assertThat(Probes.readiness(url).statusCode()).as(process).isEqualTo(200));

      Properties anonymous = new Properties();
      anonymous.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
      try (Admin admin = Admin.create(anonymous)) {
        assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes()
            .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      }
      assertThatThrownBy(() -> new SchemaRegistryClient(registry.url()).globalCompatibility())
          .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("401");
    }
  }
}
