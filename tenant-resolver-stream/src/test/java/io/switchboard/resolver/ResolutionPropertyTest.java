package io.switchboard.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.InMemorySchemaRegistry;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated companies, numbers (drawn from a small pool so that companies collide), config changes
 * and webhooks: every webhook resolves to exactly the company that owns its number under the
 * documented rule, or is unroutable with exactly the documented reason. The expectation comes from
 * a plain model of the rule, independent of the topology. Seeds are fixed so a failure replays.
 */
class ResolutionPropertyTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int POOL = 12;

  /** The model's view of one company's claim. */
  private record ModelClaim(String companyId, boolean active, Instant firstSeen) {}

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(25);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldResolveEveryWebhookToTheOwnerOrTheDocumentedReason(long seed) {
    Random random = new Random(seed);
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "property-" + seed + "-" + System.nanoTime());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(ResolverTopology.buildTopology(
        new ResolverTopology.Config(registry, Clock.fixed(T0, ZoneOffset.UTC), false)), props)) {
      TestInputTopic<String, CompanyConfig> configs = input(driver, Topics.COMPANY_CONFIG, registry);
      TestInputTopic<String, WebhookReceived> webhooks = input(driver, Topics.WEBHOOKS, registry);
      TestOutputTopic<String, ResolvedWebhook> resolved = output(driver, Topics.WEBHOOKS_RESOLVED, registry);
      TestOutputTopic<String, UnroutableWebhook> unroutable = output(driver, Topics.WEBHOOKS_UNROUTABLE, registry);

      Map<String, Map<String, ModelClaim>> claimsByNumber = new HashMap<>();
      Map<String, String> accountOf = new HashMap<>();
      Instant now = T0;
      for (int step = 0; step < 200; step++) {
        now = now.plusSeconds(1);
        if (random.nextInt(3) == 0) {
          String companyId = "company-" + random.nextInt(6);
          CompanyConfig config = random.nextInt(8) == 0 ? null : randomConfig(random, companyId);
          accountOf.put(companyId, "AC" + String.format("%032d", companyId.hashCode() & 0xffff));
          configs.pipeInput(companyId, config, now);
          applyToModel(claimsByNumber, companyId, config, now);
          continue;
        }
        String number = number(random.nextInt(POOL));
        Map<String, ModelClaim> claims = claimsByNumber.getOrDefault(number, Map.of());
        List<String> candidates = new ArrayList<>(claims.keySet());
        String signer = candidates.isEmpty() || random.nextInt(5) == 0 ? null
            : candidates.get(random.nextInt(candidates.size()));
        String accountSid = signer != null && random.nextInt(6) > 0 ? accountOf.get(signer)
            : "AC" + String.format("%032d", random.nextInt(1000));
        String callSid = "CA" + seed + "x" + step;
        webhooks.pipeInput(number, call(callSid, number, accountSid, signer), now);

        String expectedOwner = owner(claims);
        String expected = expectation(claims, expectedOwner, signer, accountSid, accountOf);
        String actual;
        if (!resolved.isEmpty()) {
          ResolvedWebhook out = resolved.readValue();
          actual = "RESOLVED:" + out.getRoute().getCompanyId();
        } else {
          actual = unroutable.readValue().getReason().name();
        }
        assertThat(actual).as("seed %d step %d number %s claims %s signer %s account %s", seed, step, number,
            claims, signer, accountSid).isEqualTo(expected);
        assertThat(resolved.isEmpty() && unroutable.isEmpty()).as("exactly one outcome per webhook").isTrue();
      }
    }
  }

  private static String expectation(Map<String, ModelClaim> claims, String owner, String signer, String accountSid,
      Map<String, String> accountOf) {
    if (owner == null) {
      return "NO_COMPANY";
    }
    if (!claims.get(owner).active()) {
      return "NUMBER_INACTIVE";
    }
    if (signer != null && !signer.equals(owner)) {
      return "NUMBER_CONFLICT";
    }
    if (!accountSid.equals(accountOf.get(owner))) {
      return "ACCOUNT_MISMATCH";
    }
    if (signer == null) {
      return "UNVERIFIED";
    }
    return "RESOLVED:" + owner;
  }

  /** Active before inactive, then earliest first claim, then company id. */
  private static String owner(Map<String, ModelClaim> claims) {
    return claims.values().stream()
        .sorted((a, b) -> a.active() != b.active() ? (a.active() ? -1 : 1)
            : !a.firstSeen().equals(b.firstSeen()) ? a.firstSeen().compareTo(b.firstSeen())
            : a.companyId().compareTo(b.companyId()))
        .map(ModelClaim::companyId).findFirst().orElse(null);
  }

  private static void applyToModel(Map<String, Map<String, ModelClaim>> claimsByNumber, String companyId,
      CompanyConfig config, Instant now) {
    Map<String, Boolean> numbers = new HashMap<>();
    if (config != null) {
      for (PhoneNumberEntry entry : config.getPhoneNumbers()) {
        numbers.putIfAbsent(entry.getE164(), entry.getStatus() == NumberStatus.ACTIVE);
      }
    }
    for (int i = 0; i < POOL; i++) {
      String number = number(i);
      Map<String, ModelClaim> claims = claimsByNumber.computeIfAbsent(number, n -> new HashMap<>());
      ModelClaim existing = claims.get(companyId);
      if (numbers.containsKey(number)) {
        Instant firstSeen = existing == null ? now : existing.firstSeen();
        claims.put(companyId, new ModelClaim(companyId, numbers.get(number), firstSeen));
      } else {
        claims.remove(companyId);
      }
    }
  }

  private static CompanyConfig randomConfig(Random random, String companyId) {
    List<PhoneNumberEntry> entries = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      String number = number(random.nextInt(POOL));
      if (entries.stream().noneMatch(e -> e.getE164().equals(number))) {
        entries.add(PhoneNumberEntry.newBuilder().setRaw(number).setE164(number)
            .setStatus(random.nextInt(4) == 0 ? NumberStatus.INACTIVE : NumberStatus.ACTIVE)
            .setPrimary(i == 0).setSource(random.nextBoolean() ? NumberSource.PHONE_NUMBERS
                : NumberSource.LEGACY_PHONE_NUMBER).build());
      }
    }
    return CompanyConfig.newBuilder()
        .setCompanyId(companyId)
        .setRouting(RoutingSnapshot.newBuilder().setCompanyId(companyId)
            .setAccountSid("AC" + String.format("%032d", companyId.hashCode() & 0xffff))
            .setRoutingMode(RoutingMode.VOICEMAIL).build())
        .setPhoneNumbers(entries)
        .setMirroredAt(T0)
        .build();
  }

  private static String number(int i) {
    return String.format("+1555600%04d", i);
  }

  private static WebhookReceived call(String callSid, String number, String accountSid, String signer) {
    return WebhookReceived.newBuilder()
        .setEventId("event-" + callSid)
        .setKind(WebhookKind.VOICE)
        .setTenantNumber(number)
        .setRawTenantAddress(number)
        .setCallSid(callSid)
        .setAccountSid(accountSid)
        .setCompanyId(signer)
        .setRequestUrl("https://sb.example.com/api/twilio/voice")
        .setParams(Map.of("To", List.of(number)))
        .setSignatureOutcome(signer == null ? SignatureOutcome.NO_TENANT : SignatureOutcome.VALID)
        .setReceivedAt(T0)
        .build();
  }

  private static <V> TestInputTopic<String, V> input(TopologyTestDriver driver, Topic<String, V> topic,
      InMemorySchemaRegistry registry) {
    return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde(registry).serializer());
  }

  private static <V> TestOutputTopic<String, V> output(TopologyTestDriver driver, Topic<String, V> topic,
      InMemorySchemaRegistry registry) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
        topic.valueSerde(registry).deserializer());
  }
}
