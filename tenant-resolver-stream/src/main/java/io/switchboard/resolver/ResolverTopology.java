package io.switchboard.resolver;

import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.AvroSerde;
import io.switchboard.schemas.registry.SchemaRegistry;
import io.switchboard.schemas.tenants.NumberClaims;
import io.switchboard.schemas.tenants.NumberResolution;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The tenant-resolver-stream topology.
 *
 * <pre>
 * tenants.company-config ─ ClaimDiffer ─▶ tenants.number-claims ─ RouteDecider ─▶ tenants.phone-routes
 * twilio.webhooks ─ leftJoin(tenants.phone-routes) ─▶ twilio.webhooks.resolved | twilio.webhooks.unroutable
 * </pre>
 *
 * twilio.webhooks and tenants.phone-routes are both keyed by E.164 number with the same partition
 * count, so the join on the hot path needs no repartition topic.
 */
public final class ResolverTopology {

  /** Subjects of the state stores' values, which live only in the stores and their changelogs. */
  static final String STATE_SUBJECT_PREFIX = "tenant-resolver-stream-";

  /** The materialised phone routes, queryable for diagnostics. */
  public static final String ROUTES_STORE = "phone-routes";
  public static final String CLAIMS_STORE = RouteDecider.STORE;
  public static final String LAST_RESOLUTION_STORE = LastResolutionRecorder.STORE;

  private ResolverTopology() {}

  /**
   * What the topology depends on: the registry for its serdes, the clock for decision times, and
   * whether its stores live on disk (RocksDB, production) or in memory (fast topology tests; both
   * are restored from their changelogs).
   */
  public record Config(SchemaRegistry registry, Clock clock, boolean persistentStores) {

    public Config(SchemaRegistry registry, Clock clock) {
      this(registry, clock, true);
    }

    KeyValueBytesStoreSupplier store(String name) {
      return persistentStores ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }
  }

  public static Topology buildTopology(Config config) {
    Properties optimisation = new Properties();
    optimisation.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    return builder(config).build(optimisation);
  }

  private static StreamsBuilder builder(Config config) {
    SchemaRegistry registry = config.registry();
    StreamsBuilder builder = new StreamsBuilder();

    builder.addStateStore(Stores.keyValueStoreBuilder(config.store(ClaimDiffer.STORE),
        Serdes.String(), Topics.COMPANY_CONFIG.valueSerde(registry)));
    builder.stream(Topics.COMPANY_CONFIG.name(), consumed(Topics.COMPANY_CONFIG, registry))
        .process(ClaimDiffer::new, Named.as("claim-differ"), ClaimDiffer.STORE)
        .to(Topics.NUMBER_CLAIMS.name(), produced(Topics.NUMBER_CLAIMS, registry));

    builder.addStateStore(Stores.keyValueStoreBuilder(config.store(RouteDecider.STORE),
        Serdes.String(), AvroSerde.forTopic(registry, STATE_SUBJECT_PREFIX + RouteDecider.STORE + "-value", NumberClaims.class)));
    builder.stream(Topics.NUMBER_CLAIMS.name(), consumed(Topics.NUMBER_CLAIMS, registry))
        .process(RouteDecider::new, Named.as("route-decider"), RouteDecider.STORE)
        .to(Topics.PHONE_ROUTES.name(), produced(Topics.PHONE_ROUTES, registry));

    KTable<String, PhoneRoute> routes = builder.table(Topics.PHONE_ROUTES.name(),
        consumed(Topics.PHONE_ROUTES, registry), Materialized.as(config.store(ROUTES_STORE)));

    KStream<String, WebhookReceived> webhooks =
        builder.stream(Topics.WEBHOOKS.name(), consumed(Topics.WEBHOOKS, registry));
    var byKey = webhooks.split(Named.as("webhooks-"))
        .branch((number, event) -> number == null || event.getTenantNumber() == null, Branched.as("without-number"))
        .defaultBranch(Branched.as("with-number"));

    KStream<String, Resolution> withoutNumber = byKey.get("webhooks-without-number")
        .mapValues(event -> Resolution.decide(event, null, config.clock().instant()));
    KStream<String, Resolution> joined = byKey.get("webhooks-with-number")
        .leftJoin(routes, (event, route) -> Resolution.decide(event, route, config.clock().instant()));

    KStream<String, Resolution> resolutions = joined.merge(withoutNumber);
    // Diagnostics only: kept where the number's partition runs, never logged to a changelog, so that
    // a webhook costs no extra Kafka record. A partition that moves starts with no last webhook.
    builder.addStateStore(Stores.keyValueStoreBuilder(config.store(LastResolutionRecorder.STORE),
        Serdes.String(), AvroSerde.forTopic(registry, STATE_SUBJECT_PREFIX + LastResolutionRecorder.STORE + "-value",
            NumberResolution.class)).withLoggingDisabled());
    joined.process(LastResolutionRecorder::new, Named.as("last-resolution"), LastResolutionRecorder.STORE);
    resolutions.filter((number, resolution) -> resolution.isResolved())
        .map((number, resolution) -> org.apache.kafka.streams.KeyValue.pair(resolution.resolvedKey(), resolution.resolved()))
        .to(Topics.WEBHOOKS_RESOLVED.name(), produced(Topics.WEBHOOKS_RESOLVED, registry));
    resolutions.filter((number, resolution) -> !resolution.isResolved())
        .mapValues(Resolution::unroutable)
        .to(Topics.WEBHOOKS_UNROUTABLE.name(), produced(Topics.WEBHOOKS_UNROUTABLE, registry));
    return builder;
  }

  private static <V> Consumed<String, V> consumed(Topic<String, V> topic, SchemaRegistry registry) {
    return Consumed.with(topic.keySerde(), topic.valueSerde(registry));
  }

  private static <V> Produced<String, V> produced(Topic<String, V> topic, SchemaRegistry registry) {
    return Produced.with(topic.keySerde(), topic.valueSerde(registry));
  }

}
