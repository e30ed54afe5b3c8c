package io.switchboard.resolver;

import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.tenants.NumberClaim;
import io.switchboard.schemas.tenants.NumberClaims;
import io.switchboard.schemas.tenants.NumberResolution;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers operators' questions about a number from the resolver's own state: which company owns
 * it and why (field, status, the claims of every company and the rule that chose), and what its
 * last webhook resolved to; and which numbers more than one company claims. Numbers whose state
 * lives on another instance are answered with that instance's address.
 */
public final class NumberDiagnostics {

  /** One company's claim on a number. */
  public record Claim(String companyId, String status, String source, String claimedAt) {}

  /** The last webhook seen for a number and what became of it. */
  public record LastWebhook(String eventId, String callSid, String messageSid, boolean resolved, String companyId,
      String reason, String receivedAt) {}

  /** Everything known about one number. */
  public record Explanation(String number, String e164, String ownerCompanyId, String ownerField, String status,
      List<String> conflictingCompanyIds, List<Claim> claims, LastWebhook lastWebhook, String verdict) {}

  /** A number claimed by more than one company. */
  public record Conflict(String number, String ownerCompanyId, List<Claim> claims) {}

  /** Where a number's state lives, when not on this instance. */
  public record Elsewhere(String host, int port) {}

  private final KafkaStreams streams;
  private final PhoneNumbers phoneNumbers;
  private final HostInfo self;

  public NumberDiagnostics(KafkaStreams streams, PhoneNumbers phoneNumbers, HostInfo self) {
    this.streams = streams;
    this.phoneNumbers = phoneNumbers;
    this.self = self;
  }

  /** The instance holding the number's state, when it is not this one. */
  public Optional<Elsewhere> elsewhere(String e164) {
    if (self == null) {
      return Optional.empty();
    }
    KeyQueryMetadata metadata = streams.queryMetadataForKey(ResolverTopology.ROUTES_STORE, e164,
        Serdes.String().serializer());
    HostInfo active = metadata.activeHost();
    if (active == null || active.equals(HostInfo.unavailable()) || active.equals(self)) {
      return Optional.empty();
    }
    return Optional.of(new Elsewhere(active.host(), active.port()));
  }

  public Optional<String> normalise(String number) {
    return phoneNumbers.toE164(number);
  }

  public Explanation explain(String input, String e164) {
    PhoneRoute route = this.<PhoneRoute>store(ResolverTopology.ROUTES_STORE).get(e164);
    NumberClaims claims = this.<NumberClaims>store(ResolverTopology.CLAIMS_STORE).get(e164);
    NumberResolution last = this.<NumberResolution>store(ResolverTopology.LAST_RESOLUTION_STORE).get(e164);
    List<Claim> claimList = claims == null ? List.of() : claims.getClaims().stream().map(NumberDiagnostics::claim).toList();
    return new Explanation(input, e164,
        route == null ? null : route.getCompanyId(),
        route == null ? null : field(route.getSource().name()),
        route == null ? null : route.getStatus().name(),
        route == null ? List.of() : List.copyOf(route.getConflictingCompanyIds()),
        claimList,
        last == null ? null : new LastWebhook(last.getEventId(), last.getCallSid(), last.getMessageSid(),
            last.getResolved(), last.getCompanyId(), last.getReason(), last.getReceivedAt().toString()),
        verdict(route));
  }

  /**
   * The explanation as a company user may see it: only for a number the company owns or claims, with
   * every other company named only as "another company" and no webhook of another company's.
   */
  public Optional<Explanation> explainFor(String companyId, String input, String e164) {
    Explanation full = explain(input, e164);
    boolean concerned = companyId.equals(full.ownerCompanyId())
        || full.claims().stream().anyMatch(c -> companyId.equals(c.companyId()));
    if (!concerned) {
      return Optional.empty();
    }
    java.util.function.UnaryOperator<String> name = id -> id == null || id.equals(companyId) ? id : "another company";
    String verdict = full.verdict();
    for (String other : allCompanies(full)) {
      if (!other.equals(companyId)) {
        verdict = verdict.replace(other, "another company");
      }
    }
    LastWebhook last = full.lastWebhook() != null && companyId.equals(full.lastWebhook().companyId())
        ? full.lastWebhook() : null;
    return Optional.of(new Explanation(full.number(), full.e164(), name.apply(full.ownerCompanyId()),
        full.ownerField(), full.status(), full.conflictingCompanyIds().stream().map(name).toList(),
        full.claims().stream().map(c -> new Claim(name.apply(c.companyId()), c.status(), c.source(), c.claimedAt()))
            .toList(), last, verdict));
  }

  private static List<String> allCompanies(Explanation explanation) {
    List<String> ids = new ArrayList<>(explanation.conflictingCompanyIds());
    explanation.claims().forEach(c -> ids.add(c.companyId()));
    if (explanation.ownerCompanyId() != null) {
      ids.add(explanation.ownerCompanyId());
    }
    return ids;
  }

  /** Every number on this instance that more than one company claims. */
  public List<Conflict> conflicts() {
    List<Conflict> conflicts = new ArrayList<>();
    ReadOnlyKeyValueStore<String, PhoneRoute> routes = store(ResolverTopology.ROUTES_STORE);
    try (var all = this.<NumberClaims>store(ResolverTopology.CLAIMS_STORE).all()) {
      all.forEachRemaining(entry -> {
        if (entry.value.getClaims().size() > 1) {
          PhoneRoute route = routes.get(entry.key);
          conflicts.add(new Conflict(entry.key, route == null ? null : route.getCompanyId(),
              entry.value.getClaims().stream().map(NumberDiagnostics::claim).toList()));
        }
      });
    }
    return conflicts;
  }

  private static String verdict(PhoneRoute route) {
    if (route == null) {
      return "no company claims this number: webhooks for it are unroutable (NO_COMPANY)";
    }
    String base = "routes to company " + route.getCompanyId() + " from its " + field(route.getSource().name());
    if (!"ACTIVE".equals(route.getStatus().name())) {
      base = "claimed by company " + route.getCompanyId() + " but " + route.getStatus()
          + ": webhooks for it are unroutable (NUMBER_INACTIVE)";
    }
    if (!route.getConflictingCompanyIds().isEmpty()) {
      base += "; also claimed by " + route.getConflictingCompanyIds()
          + " (an active claim beats an inactive one, then the earliest claim keeps the number)";
    }
    return base;
  }

  private static String field(String source) {
    return switch (source) {
      case "PHONE_NUMBERS" -> "twilioConfig.phoneNumbers[]";
      case "LEGACY_PHONE_NUMBER" -> "legacy twilioConfig.phoneNumber";
      default -> "unknown field";
    };
  }

  private static Claim claim(NumberClaim claim) {
    return new Claim(claim.getCompanyId(), claim.getStatus().name(), field(claim.getSource().name()),
        claim.getObservedAt().toString());
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }
}
