package io.switchboard.domain.companies;

import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.NumberStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The {@code v2companies} document, read and written by one set of rules for every part of
 * Switchboard (the mirror, the company API, the operator commands, the benchmark's fleet, the local
 * stack's demo): where each field lives ({@code twilioConfig} first, the document root second, as
 * legacy documents have it), which entries of {@code phoneNumbers[]} and the legacy
 * {@code phoneNumber} are numbers, their status, which one is primary, and which are active.
 * Problems (a number that does not parse, one listed twice) are collected as warnings.
 */
public final class CompanyDocument {

  /** The collection of companies. */
  public static final String COLLECTION = "v2companies";
  /** The sub-document holding a company's Twilio configuration. */
  public static final String TWILIO = "twilioConfig";
  public static final String PHONE_NUMBERS = "phoneNumbers";
  public static final String LEGACY_PHONE_NUMBER = "phoneNumber";
  public static final String AUTH_TOKEN = "authToken";

  /** One number of the company, as the document gives it. */
  public record Number(String raw, String e164, NumberStatus status, boolean primary, NumberSource source) {

    public boolean active() {
      return status == NumberStatus.ACTIVE && e164 != null;
    }
  }

  private final Document root;
  private final Document twilio;

  private CompanyDocument(Document root) {
    this.root = root;
    this.twilio = root.get(TWILIO) instanceof Document d ? d : new Document();
  }

  public static CompanyDocument of(Document root) {
    return new CompanyDocument(root);
  }

  /** A company id as Switchboard names it: an ObjectId's hex form, or the id as stored. */
  public static String id(Object id) {
    return id instanceof ObjectId objectId ? objectId.toHexString() : String.valueOf(id);
  }

  public String id() {
    return id(root.get("_id"));
  }

  public Optional<String> name() {
    for (String field : List.of("companyName", "name")) {
      if (root.get(field) instanceof String s) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The Twilio configuration as stored (empty when the company has none). */
  public Document twilio() {
    return twilio;
  }

  /** A configuration field: from {@code twilioConfig}, else from the document root. */
  public Object field(String name) {
    return twilio.containsKey(name) ? twilio.get(name) : root.get(name);
  }

  public Optional<String> string(String name) {
    Object value = field(name);
    return value == null ? Optional.empty() : Optional.of(value.toString());
  }

  public long version() {
    return CompanyVersion.of(root);
  }

  /**
   * Every number: the entries of {@code phoneNumbers[]} in order (a plain string entry is active),
   * then the legacy {@code phoneNumber} unless listed already, primary when no entry is. A number
   * listed twice keeps its first entry.
   *
   * @param warnings receives what is wrong with the numbers
   */
  public List<Number> numbers(PhoneNumbers phones, List<String> warnings) {
    List<Number> numbers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (field(PHONE_NUMBERS) instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Document entry && entry.get("phoneNumber") instanceof String raw) {
          add(numbers, phones, raw, status(entry.get("status")), Boolean.TRUE.equals(entry.get("isPrimary")),
              NumberSource.PHONE_NUMBERS, warnings, seen);
        } else if (item instanceof String raw) {
          add(numbers, phones, raw, NumberStatus.ACTIVE, false, NumberSource.PHONE_NUMBERS, warnings, seen);
        } else {
          warnings.add("phoneNumbers contains an entry without a phoneNumber");
        }
      }
    }
    Optional<String> legacy = string(LEGACY_PHONE_NUMBER).filter(s -> !s.isBlank());
    if (legacy.isPresent()) {
      Optional<String> e164 = phones.toE164(legacy.get());
      if (e164.isEmpty() || !seen.contains(e164.get())) {
        boolean primary = numbers.stream().noneMatch(Number::primary);
        add(numbers, phones, legacy.get(), NumberStatus.ACTIVE, primary, NumberSource.LEGACY_PHONE_NUMBER, warnings,
            seen);
      }
    }
    return numbers;
  }

  /** The active numbers in E.164, the primary one first. */
  public List<String> activeNumbers(PhoneNumbers phones) {
    return numbers(phones, new ArrayList<>()).stream().filter(Number::active)
        .sorted(Comparator.comparing((Number n) -> !n.primary())).map(Number::e164).toList();
  }

  /** Numbers kept aside until the company's account is seen to hold them. */
  public List<Document> pendingNumbers() {
    return twilio.getList("pendingNumbers", Document.class, List.of());
  }

  /** An entry of {@code phoneNumbers[]} as Switchboard writes it. */
  public static Document numberEntry(String e164, String status, boolean primary) {
    return new Document("phoneNumber", e164).append("status", status).append("isPrimary", primary);
  }

  private static void add(List<Number> numbers, PhoneNumbers phones, String raw, NumberStatus status, boolean primary,
      NumberSource source, List<String> warnings, Set<String> seen) {
    Optional<String> e164 = phones.toE164(raw);
    if (e164.isEmpty()) {
      warnings.add("number '" + raw + "' (" + source + ") is not a phone number and will not route");
    } else if (!seen.add(e164.get())) {
      warnings.add("number " + e164.get() + " is listed twice; the first entry is used");
      return;
    }
    numbers.add(new Number(raw, e164.orElse(null), status, primary, source));
  }

  /** A number's status as stored: none is active; unknown words are UNKNOWN (not routed). */
  public static NumberStatus status(Object value) {
    if (value == null) {
      return NumberStatus.ACTIVE;
    }
    return switch (value.toString().toLowerCase(Locale.ROOT)) {
      case "active" -> NumberStatus.ACTIVE;
      case "inactive", "disabled", "released" -> NumberStatus.INACTIVE;
      default -> NumberStatus.UNKNOWN;
    };
  }
}
