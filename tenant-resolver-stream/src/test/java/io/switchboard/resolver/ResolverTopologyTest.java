package io.switchboard.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.InMemorySchemaRegistry;
import io.switchboard.schemas.tenants.NumberResolution;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResolverTopologyTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String ACME = "acme";
  private static final String GLOBEX = "globex";
  private static final String ACME_SID = "AC" + "a".repeat(32);
  private static final String GLOBEX_SID = "AC" + "b".repeat(32);

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, CompanyConfig> configs;
  private TestInputTopic<String, WebhookReceived> webhooks;
  private TestOutputTopic<String, PhoneRoute> routes;
  private TestOutputTopic<String, ResolvedWebhook> resolved;
  private TestOutputTopic<String, UnroutableWebhook> unroutable;

  @BeforeEach
  void startDriver() {
    Topology topology = ResolverTopology.buildTopology(
        new ResolverTopology.Config(registry, Clock.fixed(T0, ZoneOffset.UTC), false));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "resolver-test-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(topology, props);
    configs = input(Topics.COMPANY_CONFIG);
    webhooks = input(Topics.WEBHOOKS);
    routes = output(Topics.PHONE_ROUTES);
    resolved = output(Topics.WEBHOOKS_RESOLVED);
    unroutable = output(Topics.WEBHOOKS_UNROUTABLE);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldResolveACallToTheCompanyThatOwnsTheActiveNumber() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0);

    webhooks.pipeInput("+15551110001", call("CA1", ACME_SID, "+15551110001", ACME), T0.plusSeconds(1));

    TestRecord<String, ResolvedWebhook> out = resolved.readRecord();
    assertThat(out.key()).isEqualTo("CA1");
    assertThat(out.value().getRoute().getCompanyId()).isEqualTo(ACME);
    assertThat(out.value().getRoute().getRoutingMode()).isEqualTo(RoutingMode.FORWARD);
    assertThat(out.value().getNumberSource()).isEqualTo(NumberSource.PHONE_NUMBERS);
    assertThat(out.value().getEvent().getEventId()).isEqualTo("event-CA1");
    assertThat(unroutable.isEmpty()).isTrue();
  }

  @Test
  void shouldRouteTheLegacyPhoneNumberField() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.VOICEMAIL,
        entry("+15551110009", NumberStatus.ACTIVE, NumberSource.LEGACY_PHONE_NUMBER)), T0);

    webhooks.pipeInput("+15551110009", call("CA9", ACME_SID, "+15551110009", ACME), T0.plusSeconds(1));

    assertThat(resolved.readValue().getNumberSource()).isEqualTo(NumberSource.LEGACY_PHONE_NUMBER);
  }

  @Test
  void shouldPublishARouteWithoutSecretsForEveryActiveNumber() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.AI_AGENT, active("+15551110001"),
        active("+15551110002")), T0);

    Map<String, PhoneRoute> table = routes.readKeyValuesToMap();
    assertThat(table).containsOnlyKeys("+15551110001", "+15551110002");
    PhoneRoute route = table.get("+15551110001");
    assertThat(route.getCompanyId()).isEqualTo(ACME);
    assertThat(route.getStatus()).isEqualTo(NumberStatus.ACTIVE);
    assertThat(route.getConflictingCompanyIds()).isEmpty();
    assertThat(route.getClaimedAt()).isEqualTo(T0);
    assertThat(route.getSchema().getField("authToken")).isNull();
  }

  @Test
  void shouldTombstoneANumberRemovedFromTheCompany() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001"),
        active("+15551110002")), T0);
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0.plusSeconds(5));

    List<TestRecord<String, PhoneRoute>> all = routes.readRecordsToList();
    TestRecord<String, PhoneRoute> last = all.get(all.size() - 1);
    assertThat(last.key()).isEqualTo("+15551110002");
    assertThat(last.value()).isNull();

    webhooks.pipeInput("+15551110002", call("CA2", ACME_SID, "+15551110002", ACME), T0.plusSeconds(6));
    assertThat(unroutable.readValue().getReason()).isEqualTo(UnroutableReason.NO_COMPANY);
  }

  @Test
  void shouldTombstoneEveryNumberOfADeletedCompany() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001"),
        active("+15551110002")), T0);
    routes.readRecordsToList();

    configs.pipeInput(ACME, null, T0.plusSeconds(5));

    Map<String, PhoneRoute> table = routes.readKeyValuesToMap();
    assertThat(table).containsOnlyKeys("+15551110001", "+15551110002");
    assertThat(table.values()).containsOnlyNulls();
  }

  @Test
  void shouldAnswerNumberInactiveForADeactivatedNumber() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD,
        entry("+15551110001", NumberStatus.INACTIVE, NumberSource.PHONE_NUMBERS)), T0);

    webhooks.pipeInput("+15551110001", call("CA1", ACME_SID, "+15551110001", ACME), T0.plusSeconds(1));

    UnroutableWebhook out = unroutable.readValue();
    assertThat(out.getReason()).isEqualTo(UnroutableReason.NUMBER_INACTIVE);
    assertThat(out.getCompanyIds()).containsExactly(ACME);
  }

  @Test
  void shouldAnswerNoCompanyWhenTheWebhookArrivesBeforeAnyConfig() {
    webhooks.pipeInput("+15551110001", unsignedCall("CA1", ACME_SID, "+15551110001"), T0);

    UnroutableWebhook out = unroutable.readValue();
    assertThat(out.getReason()).isEqualTo(UnroutableReason.NO_COMPANY);
    assertThat(out.getDetail()).contains("+15551110001");
  }

  @Test
  void shouldKeepNothingPerNumberForNumbersNobodyClaims() {
    for (int i = 0; i < 50; i++) {
      String number = String.format("+1555222%04d", i);
      webhooks.pipeInput(number, unsignedCall("CA" + i, ACME_SID, number), T0);
    }

    assertThat(unroutable.readValuesToList()).hasSize(50);
    var last = driver.<String, Object>getKeyValueStore(ResolverTopology.LAST_RESOLUTION_STORE);
    try (var all = last.all()) {
      assertThat(all.hasNext()).as("entries kept for unclaimed numbers").isFalse();
    }
  }

  @Test
  void shouldRememberEachNumbersLastWebhookWithoutWritingAKafkaRecordPerWebhook() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0);
    for (int i = 0; i < 20; i++) {
      webhooks.pipeInput("+15551110001", call("CA" + i, ACME_SID, "+15551110001", ACME), T0.plusSeconds(1 + i));
    }

    assertThat(resolved.readValuesToList()).hasSize(20);
    var last = driver.<String, NumberResolution>getKeyValueStore(ResolverTopology.LAST_RESOLUTION_STORE);
    assertThat(last.get("+15551110001").getCallSid()).isEqualTo("CA19");
    assertThat(driver.producedTopicNames()).as("topics written").noneMatch(t -> t.contains(LastResolutionRecorder.STORE));
  }

  @Test
  void shouldRouteAfterTheConfigArrivesBetweenTwoWebhooks() {
    webhooks.pipeInput("+15551110001", unsignedCall("CA1", ACME_SID, "+15551110001"), T0);
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0.plusSeconds(1));
    webhooks.pipeInput("+15551110001", call("CA2", ACME_SID, "+15551110001", ACME), T0.plusSeconds(2));

    assertThat(unroutable.readValue().getReason()).isEqualTo(UnroutableReason.NO_COMPANY);
    assertThat(resolved.readRecord().key()).isEqualTo("CA2");
  }

  @Test
  void shouldRefuseAWebhookWhoseAccountSidIsNotTheOwnersAccount() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0);

    webhooks.pipeInput("+15551110001", call("CA1", GLOBEX_SID, "+15551110001", ACME), T0.plusSeconds(1));

    UnroutableWebhook out = unroutable.readValue();
    assertThat(out.getReason()).isEqualTo(UnroutableReason.ACCOUNT_MISMATCH);
    assertThat(out.getDetail()).contains(GLOBEX_SID).contains(ACME);
    assertThat(resolved.isEmpty()).isTrue();
  }

  @Test
  void shouldGiveAContestedNumberToTheEarlierClaimAndPublishTheConflict() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0);
    configs.pipeInput(GLOBEX, company(GLOBEX, GLOBEX_SID, RoutingMode.VOICEMAIL, active("+15551110001")),
        T0.plusSeconds(10));

    PhoneRoute route = routes.readKeyValuesToMap().get("+15551110001");
    assertThat(route.getCompanyId()).isEqualTo(ACME);
    assertThat(route.getConflictingCompanyIds()).containsExactly(GLOBEX);

    webhooks.pipeInput("+15551110001", call("CA1", ACME_SID, "+15551110001", ACME), T0.plusSeconds(11));
    webhooks.pipeInput("+15551110001", call("CA2", GLOBEX_SID, "+15551110001", GLOBEX), T0.plusSeconds(12));
    assertThat(resolved.readValue().getRoute().getCompanyId()).isEqualTo(ACME);
    UnroutableWebhook conflict = unroutable.readValue();
    assertThat(conflict.getReason()).isEqualTo(UnroutableReason.NUMBER_CONFLICT);
    assertThat(conflict.getCompanyIds()).containsExactlyInAnyOrder(ACME, GLOBEX);
  }

  @Test
  void shouldKeepTheEarlierClaimWhenTheOwnerRepublishesItsConfig() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0);
    configs.pipeInput(GLOBEX, company(GLOBEX, GLOBEX_SID, RoutingMode.VOICEMAIL, active("+15551110001")),
        T0.plusSeconds(10));
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.AI_AGENT, active("+15551110001")), T0.plusSeconds(20));

    PhoneRoute route = routes.readKeyValuesToMap().get("+15551110001");
    assertThat(route.getCompanyId()).isEqualTo(ACME);
    assertThat(route.getRoute().getRoutingMode()).isEqualTo(RoutingMode.AI_AGENT);
    assertThat(route.getClaimedAt()).isEqualTo(T0);
  }

  @Test
  void shouldHandTheNumberToTheOtherClaimantWhenTheOwnerReleasesIt() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0);
    configs.pipeInput(GLOBEX, company(GLOBEX, GLOBEX_SID, RoutingMode.VOICEMAIL, active("+15551110001")),
        T0.plusSeconds(10));
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD), T0.plusSeconds(20));

    PhoneRoute route = routes.readKeyValuesToMap().get("+15551110001");
    assertThat(route.getCompanyId()).isEqualTo(GLOBEX);
    assertThat(route.getConflictingCompanyIds()).isEmpty();
  }

  @Test
  void shouldPreferAnActiveClaimOverAnEarlierInactiveOne() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD,
        entry("+15551110001", NumberStatus.INACTIVE, NumberSource.PHONE_NUMBERS)), T0);
    configs.pipeInput(GLOBEX, company(GLOBEX, GLOBEX_SID, RoutingMode.VOICEMAIL, active("+15551110001")),
        T0.plusSeconds(10));

    assertThat(routes.readKeyValuesToMap().get("+15551110001").getCompanyId()).isEqualTo(GLOBEX);
  }

  @Test
  void shouldMarkAWebhookWithoutAPhoneNumberUnroutable() {
    WebhookReceived toClient = WebhookReceived.newBuilder(unsignedCall("CA1", ACME_SID, null))
        .setRawTenantAddress("client:alice").build();

    webhooks.pipeInput((String) null, toClient, T0);

    UnroutableWebhook out = unroutable.readValue();
    assertThat(out.getReason()).isEqualTo(UnroutableReason.NOT_A_PHONE_NUMBER);
    assertThat(out.getDetail()).contains("client:alice");
  }

  @Test
  void shouldNotRouteAWebhookWhoseSignatureWasNeverChecked() {
    configs.pipeInput(ACME, company(ACME, ACME_SID, RoutingMode.FORWARD, active("+15551110001")), T0);

    webhooks.pipeInput("+15551110001", unsignedCall("CA1", ACME_SID, "+15551110001"), T0.plusSeconds(1));

    assertThat(unroutable.readValue().getReason()).isEqualTo(UnroutableReason.UNVERIFIED);
  }

  @Test
  void shouldJoinWebhooksWithRoutesWithoutARepartitionTopic() {
    Topology topology = ResolverTopology.buildTopology(
        new ResolverTopology.Config(registry, Clock.fixed(T0, ZoneOffset.UTC), false));
    List<String> sources = new ArrayList<>();
    for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Source source) {
          sources.addAll(source.topicSet());
        }
      }
    }
    assertThat(sources).noneMatch(name -> name.contains("repartition"));
    assertThat(sources).contains(Topics.WEBHOOKS.name(), Topics.PHONE_ROUTES.name());
  }

  private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
    return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde(registry).serializer());
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
        topic.valueSerde(registry).deserializer());
  }

  private static PhoneNumberEntry active(String e164) {
    return entry(e164, NumberStatus.ACTIVE, NumberSource.PHONE_NUMBERS);
  }

  private static PhoneNumberEntry entry(String e164, NumberStatus status, NumberSource source) {
    return PhoneNumberEntry.newBuilder().setRaw(e164).setE164(e164).setStatus(status).setPrimary(false)
        .setSource(source).build();
  }

  private static CompanyConfig company(String id, String accountSid, RoutingMode mode, PhoneNumberEntry... numbers) {
    return CompanyConfig.newBuilder()
        .setCompanyId(id)
        .setRouting(RoutingSnapshot.newBuilder().setCompanyId(id).setAccountSid(accountSid).setRoutingMode(mode)
            .setForwardNumber("+15559990000").build())
        .setPhoneNumbers(List.of(numbers))
        .setMirroredAt(T0)
        .build();
  }

  private static WebhookReceived call(String callSid, String accountSid, String to, String signedBy) {
    return WebhookReceived.newBuilder(unsignedCall(callSid, accountSid, to))
        .setSignatureOutcome(SignatureOutcome.VALID)
        .setCompanyId(signedBy)
        .build();
  }

  private static WebhookReceived unsignedCall(String callSid, String accountSid, String to) {
    return WebhookReceived.newBuilder()
        .setEventId("event-" + callSid)
        .setKind(WebhookKind.VOICE)
        .setTenantNumber(to)
        .setRawTenantAddress(to)
        .setCallSid(callSid)
        .setAccountSid(accountSid)
        .setRequestUrl("https://switchboard.example.com/api/twilio/voice")
        .setParams(Map.of("To", to == null ? List.of() : List.of(to)))
        .setSignatureOutcome(SignatureOutcome.NO_TENANT)
        .setReceivedAt(T0)
        .build();
  }
}
