package io.switchboard.admin.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import io.switchboard.domain.companies.CompanyVersion;
import java.util.Collection;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The companies collection, as the config API reads and writes it. */
public final class CompanyStore {

  private static final Logger log = LoggerFactory.getLogger(CompanyStore.class);
  static final String NUMBERS_FIELD = "twilioConfig.phoneNumbers.phoneNumber";

  private final MongoCollection<Document> companies;

  public CompanyStore(MongoCollection<Document> companies) {
    this.companies = companies;
  }

  /**
   * A unique index on the numbers of {@code phoneNumbers[]}, limited to documents that have them, so
   * the database itself refuses a number two companies would share. Existing duplicates make its
   * creation fail: that is logged, and the API's own check still refuses new duplicates.
   */
  public void ensureIndexes() {
    try {
      companies.createIndex(Indexes.ascending(NUMBERS_FIELD), new IndexOptions().unique(true)
          .name("unique_phone_numbers").partialFilterExpression(Filters.exists(NUMBERS_FIELD)));
    } catch (RuntimeException e) {
      log.warn("Unique index on {} not created ({}); duplicate numbers are refused by the API only", NUMBERS_FIELD,
          e.getMessage());
    }
  }

  public Optional<Document> find(String companyId) {
    return Optional.ofNullable(companies.find(byId(companyId)).first());
  }

  /**
   * Which companies a list shows.
   *
   * @param name part of the company name, any case, or null
   * @param twilioConfigured whether it has an Account SID and an Auth Token, or null for either
   * @param routingMode its {@code callRoutingMode}, or null
   * @param companyIds a test on the company id the database cannot make (its health), or null
   */
  public record ListFilter(String name, Boolean twilioConfigured, String routingMode,
      java.util.function.Predicate<String> companyIds) {}

  /** One page of companies, and how many match in all. */
  public record Listing(java.util.List<Document> companies, long total) {}

  /**
   * A page of the companies that match, by name then id. The tests the database can make are made
   * there; a test on the id (health, known elsewhere) is made on the ids the database returned.
   */
  public Listing list(ListFilter filter, int page, int size) {
    java.util.List<Bson> conditions = new java.util.ArrayList<>();
    if (filter.name() != null && !filter.name().isBlank()) {
      conditions.add(Filters.regex("companyName", java.util.regex.Pattern.quote(filter.name()), "i"));
    }
    if (filter.twilioConfigured() != null) {
      Bson configured = Filters.and(Filters.ne("twilioConfig.accountSid", null), Filters.ne("twilioConfig.authToken", null));
      conditions.add(filter.twilioConfigured() ? configured : Filters.nor(configured));
    }
    if (filter.routingMode() != null) {
      conditions.add(Filters.eq("twilioConfig.callRoutingMode", filter.routingMode()));
    }
    Bson query = conditions.isEmpty() ? new Document() : Filters.and(conditions);
    Bson order = com.mongodb.client.model.Sorts.ascending("companyName", "_id");
    long skip = (long) page * size;
    if (filter.companyIds() == null) {
      java.util.List<Document> found = companies.find(query).sort(order).skip((int) Math.min(skip, Integer.MAX_VALUE))
          .limit(size).into(new java.util.ArrayList<>());
      return new Listing(found, companies.countDocuments(query));
    }
    java.util.List<Object> matching = new java.util.ArrayList<>();
    for (Document idOnly : companies.find(query).sort(order).projection(new Document("_id", 1))) {
      if (filter.companyIds().test(id(idOnly.get("_id")))) {
        matching.add(idOnly.get("_id"));
      }
    }
    java.util.List<Object> pageIds = matching.stream().skip(skip).limit(size).toList();
    java.util.List<Document> found = pageIds.isEmpty() ? java.util.List.of()
        : companies.find(Filters.in("_id", pageIds)).sort(order).into(new java.util.ArrayList<>());
    return new Listing(found, matching.size());
  }

  /** Another company already holding one of these numbers (in phoneNumbers[] or the legacy field), if any. */
  public Optional<Owner> ownerOfAny(String companyId, Collection<String> numbers) {
    if (numbers.isEmpty()) {
      return Optional.empty();
    }
    Bson filter = Filters.and(Filters.nin("_id", idForms(companyId)),
        Filters.or(Filters.in(NUMBERS_FIELD, numbers), Filters.in("twilioConfig.phoneNumber", numbers)));
    Document other = companies.find(filter).first();
    if (other == null) {
      return Optional.empty();
    }
    Document twilio = other.get("twilioConfig", Document.class);
    String number = numbers.stream().filter(n -> holds(twilio, n)).findFirst().orElse(numbers.iterator().next());
    return Optional.of(new Owner(id(other.get("_id")), number));
  }

  /**
   * Replaces the company's Twilio configuration if nobody changed it since it was read at
   * {@code readVersion}: a configuration built from an older read would silently undo the other
   * change (a token rotation, a number). A number another company holds is refused by the index.
   *
   * @throws ConcurrentChangeException when the document changed since it was read
   */
  public void saveTwilioConfig(String companyId, Document twilioConfig, long readVersion) {
    Bson unchanged = readVersion == 0
        ? Filters.or(Filters.exists(CompanyVersion.FIELD, false), Filters.eq(CompanyVersion.FIELD, 0L))
        : Filters.eq(CompanyVersion.FIELD, readVersion);
    try {
      long updated = companies.updateOne(Filters.and(byId(companyId), unchanged),
          Updates.combine(Updates.set("twilioConfig", twilioConfig), Updates.set(CompanyVersion.FIELD, readVersion + 1)))
          .getMatchedCount();
      if (updated == 0) {
        throw new ConcurrentChangeException();
      }
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        throw new DuplicateNumberException();
      }
      throw e;
    }
  }

  /** The company's configuration changed between the read a write was built from and the write. */
  public static final class ConcurrentChangeException extends RuntimeException {
    ConcurrentChangeException() {
      super("the company's configuration changed meanwhile; read it again and reapply the change");
    }
  }

  /** A company holding a number, and which one. */
  public record Owner(String companyId, String number) {}

  /** The database refused a number already held by another company. */
  public static final class DuplicateNumberException extends RuntimeException {
    DuplicateNumberException() {
      super("a number is already assigned to another company");
    }
  }

  private static boolean holds(Document twilio, String number) {
    if (twilio == null) {
      return false;
    }
    if (number.equals(twilio.get("phoneNumber"))) {
      return true;
    }
    return twilio.getList("phoneNumbers", Document.class, java.util.List.of()).stream()
        .anyMatch(d -> number.equals(d.get("phoneNumber")));
  }

  private static java.util.List<Object> idForms(String companyId) {
    return ObjectId.isValid(companyId) ? java.util.List.of(new ObjectId(companyId), companyId)
        : java.util.List.of(companyId);
  }

  private static Bson byId(String companyId) {
    return ObjectId.isValid(companyId)
        ? Filters.or(Filters.eq("_id", new ObjectId(companyId)), Filters.eq("_id", companyId))
        : Filters.eq("_id", companyId);
  }

  private static String id(Object id) {
    return id instanceof ObjectId objectId ? objectId.toHexString() : String.valueOf(id);
  }
}
