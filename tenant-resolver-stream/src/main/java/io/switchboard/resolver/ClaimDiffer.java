package io.switchboard.resolver;

import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.NumberClaim;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns each company's config (keyed by company) into claims and releases of numbers (keyed by
 * number). It remembers the last config of each company, so a number that was removed, or whose
 * company was deleted, is released explicitly rather than forgotten. Numbers that do not parse
 * have no E.164 key and are never claimed.
 */
final class ClaimDiffer implements Processor<String, CompanyConfig, String, NumberClaim> {

  static final String STORE = "company-configs";

  private ProcessorContext<String, NumberClaim> context;
  private KeyValueStore<String, CompanyConfig> previous;

  @Override
  public void init(ProcessorContext<String, NumberClaim> context) {
    this.context = context;
    this.previous = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, CompanyConfig> record) {
    String companyId = record.key();
    if (companyId == null) {
      return;
    }
    Instant at = Instant.ofEpochMilli(record.timestamp());
    Map<String, PhoneNumberEntry> before = numbers(previous.get(companyId));
    Map<String, PhoneNumberEntry> after = numbers(record.value());

    for (PhoneNumberEntry entry : after.values()) {
      context.forward(record.withKey(entry.getE164()).withValue(NumberClaim.newBuilder()
          .setNumber(entry.getE164())
          .setCompanyId(companyId)
          .setReleased(false)
          .setStatus(entry.getStatus())
          .setSource(entry.getSource())
          .setRoute(record.value().getRouting())
          .setObservedAt(at)
          .build()));
    }
    for (String number : before.keySet()) {
      if (!after.containsKey(number)) {
        context.forward(record.withKey(number).withValue(NumberClaim.newBuilder()
            .setNumber(number)
            .setCompanyId(companyId)
            .setReleased(true)
            .setStatus(NumberStatus.UNKNOWN)
            .setSource(NumberSource.UNKNOWN)
            .setRoute(null)
            .setObservedAt(at)
            .build()));
      }
    }
    if (record.value() == null) {
      previous.delete(companyId);
    } else {
      previous.put(companyId, record.value());
    }
  }

  private static Map<String, PhoneNumberEntry> numbers(CompanyConfig config) {
    Map<String, PhoneNumberEntry> numbers = new LinkedHashMap<>();
    if (config != null) {
      for (PhoneNumberEntry entry : config.getPhoneNumbers()) {
        if (entry.getE164() != null) {
          numbers.putIfAbsent(entry.getE164(), entry);
        }
      }
    }
    return numbers;
  }
}
