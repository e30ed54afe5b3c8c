package io.switchboard.resolver;

import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.tenants.NumberClaim;
import io.switchboard.schemas.tenants.NumberClaims;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides which company a number routes to, from every company that claims it. The rule, so that
 * two companies claiming one number always give the same answer: an active claim beats an
 * inactive one, and among claims of the same kind the earliest claim keeps the number (ties by
 * company id). A company that re-publishes its config keeps the time of its first claim. The
 * route names every other company claiming the number as a conflict. When no company claims the
 * number any more, a tombstone removes its route.
 */
final class RouteDecider implements Processor<String, NumberClaim, String, PhoneRoute> {

  static final String STORE = "number-claims";

  private ProcessorContext<String, PhoneRoute> context;
  private KeyValueStore<String, NumberClaims> claimsByNumber;

  @Override
  public void init(ProcessorContext<String, PhoneRoute> context) {
    this.context = context;
    this.claimsByNumber = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, NumberClaim> record) {
    String number = record.key();
    NumberClaim claim = record.value();
    if (number == null || claim == null) {
      return;
    }
    List<NumberClaim> claims = new ArrayList<>();
    NumberClaims stored = claimsByNumber.get(number);
    if (stored != null) {
      claims.addAll(stored.getClaims());
    }
    update(claims, claim);
    if (claims.isEmpty()) {
      claimsByNumber.delete(number);
    } else {
      claimsByNumber.put(number, NumberClaims.newBuilder().setNumber(number).setClaims(claims).build());
    }
    context.forward(record.withValue(decide(number, claims).orElse(null)));
  }

  private static void update(List<NumberClaim> claims, NumberClaim claim) {
    int existing = -1;
    for (int i = 0; i < claims.size(); i++) {
      if (claims.get(i).getCompanyId().equals(claim.getCompanyId())) {
        existing = i;
      }
    }
    if (claim.getReleased()) {
      if (existing >= 0) {
        claims.remove(existing);
      }
    } else if (existing >= 0) {
      NumberClaim first = claims.get(existing);
      claims.set(existing, NumberClaim.newBuilder(claim).setObservedAt(first.getObservedAt()).build());
    } else {
      claims.add(claim);
    }
  }

  /** The route for a number given its current claims; empty when nobody claims it. */
  static Optional<PhoneRoute> decide(String number, List<NumberClaim> claims) {
    NumberClaim owner = null;
    for (NumberClaim candidate : claims) {
      if (owner == null || precedes(candidate, owner)) {
        owner = candidate;
      }
    }
    if (owner == null) {
      return Optional.empty();
    }
    List<String> others = new ArrayList<>();
    for (NumberClaim candidate : claims) {
      if (!candidate.getCompanyId().equals(owner.getCompanyId())) {
        others.add(candidate.getCompanyId());
      }
    }
    others.sort(String::compareTo);
    return Optional.of(PhoneRoute.newBuilder()
        .setNumber(number)
        .setCompanyId(owner.getCompanyId())
        .setStatus(owner.getStatus())
        .setSource(owner.getSource())
        .setRoute(owner.getRoute())
        .setConflictingCompanyIds(others)
        .setClaimedAt(owner.getObservedAt())
        .build());
  }

  private static boolean precedes(NumberClaim a, NumberClaim b) {
    boolean aActive = a.getStatus() == NumberStatus.ACTIVE;
    boolean bActive = b.getStatus() == NumberStatus.ACTIVE;
    if (aActive != bActive) {
      return aActive;
    }
    int byTime = a.getObservedAt().compareTo(b.getObservedAt());
    return byTime != 0 ? byTime < 0 : a.getCompanyId().compareTo(b.getCompanyId()) < 0;
  }
}
