package io.switchboard.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.local.twilio.TwilioStandIn;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The companies a benchmark run calls: each with its own Account SID and Auth Token, its own
 * numbers and a routing mode, written as {@code v2companies} documents. Generated from a seed, so
 * two runs with the same settings call the same fleet.
 */
public final class Fleet {

  /** The routing modes, in the order companies are given them. */
  public enum Mode {
    AI_AGENT("ai-agent", "<Stream"), VOICEMAIL("voicemail", "<Record"), FORWARD("forward", "<Dial");

    final String stored;
    /** The element the company's TwiML must contain in this mode. */
    final String element;

    Mode(String stored, String element) {
      this.stored = stored;
      this.element = element;
    }
  }

  private static final int INSERT_BATCH = 1_000;

  private final String[] companyIds;
  private final String[] accountSids;
  private final String[] authTokens;
  private final Mode[] modes;
  private final int numbersPerCompany;
  private final int numberCount;
  /** Numbers each company got when the fleet grew, after the first {@link #baseNumbers}; 0 if it did not. */
  private final int addedPerCompany;
  private final int baseNumbers;

  private Fleet(int companies, int numbers, long seed) {
    if (companies < 1 || numbers < companies) {
      throw new IllegalArgumentException("need at least one company and one number per company, got "
          + companies + " companies and " + numbers + " numbers");
    }
    if (numbers > 1_000_000) {
      throw new IllegalArgumentException("at most 1,000,000 numbers, got " + numbers);
    }
    SplittableRandom random = new SplittableRandom(seed);
    HexFormat hex = HexFormat.of();
    companyIds = new String[companies];
    accountSids = new String[companies];
    authTokens = new String[companies];
    modes = new Mode[companies];
    for (int i = 0; i < companies; i++) {
      companyIds[i] = String.format("%024x", 0xbe0c0000L * 1_000_000L + i);
      accountSids[i] = "AC" + hex.formatHex(bytes(random, 16));
      authTokens[i] = hex.formatHex(bytes(random, 16));
      modes[i] = Mode.values()[i % Mode.values().length];
    }
    this.numbersPerCompany = numbers / companies;
    this.numberCount = numbersPerCompany * companies;
    this.baseNumbers = numberCount;
    this.addedPerCompany = 0;
  }

  private Fleet(Fleet base, int numbers) {
    if (numbers > 1_000_000 || numbers <= base.numbers()) {
      throw new IllegalArgumentException("a fleet grows to more numbers, at most 1,000,000; got " + numbers);
    }
    companyIds = base.companyIds;
    accountSids = base.accountSids;
    authTokens = base.authTokens;
    modes = base.modes.clone();
    numbersPerCompany = base.numbersPerCompany;
    baseNumbers = base.numberCount;
    addedPerCompany = (numbers - baseNumbers) / companyIds.length;
    numberCount = baseNumbers + addedPerCompany * companyIds.length;
  }

  public static Fleet generate(int companies, int numbers, long seed) {
    return new Fleet(companies, numbers, seed);
  }

  /**
   * The same companies, each keeping its numbers and given more, for {@code numbers} in all: no
   * number moves to another company.
   */
  public Fleet grownTo(int numbers) {
    return new Fleet(this, numbers);
  }

  public int companies() {
    return companyIds.length;
  }

  public int numbers() {
    return numberCount;
  }

  /** The i-th number, in E.164: consecutive numbers belong to the same company. */
  public String number(int i) {
    // 415-200-0000 to 415-299-9999: a million possible NANP numbers in one area code.
    return "+1415" + (2_000_000 + i);
  }

  /** The index of the company's first (primary) number. */
  public int firstNumberOf(int company) {
    return company * numbersPerCompany;
  }

  public int companyOfNumber(int i) {
    return i < baseNumbers ? i / numbersPerCompany : (i - baseNumbers) / addedPerCompany;
  }

  public String companyId(int company) {
    return companyIds[company];
  }

  public String accountSid(int company) {
    return accountSids[company];
  }

  public String authToken(int company) {
    return authTokens[company];
  }

  public Mode mode(int company) {
    return modes[company];
  }

  /** Records a company's new routing mode, once it has been written to MongoDB. */
  void setMode(int company, Mode mode) {
    modes[company] = mode;
  }

  public String forwardNumber(int company) {
    return "+1646" + (3_000_000 + company);
  }

  /** Writes every company to MongoDB, in batches, with the first of its numbers in the legacy field. */
  public void insertInto(String mongoUri, String database) {
    try (MongoClient mongo = MongoClients.create(mongoUri)) {
      MongoCollection<Document> companies = mongo.getDatabase(database).getCollection(CompanyDocument.COLLECTION);
      List<Document> batch = new ArrayList<>(INSERT_BATCH);
      for (int c = 0; c < companies(); c++) {
        batch.add(document(c, modes[c]));
        if (batch.size() == INSERT_BATCH) {
          companies.insertMany(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        companies.insertMany(batch);
      }
    }
  }

  /**
   * Replaces every company's document in MongoDB with this fleet's (upserting), in batches: the same
   * companies with this fleet's numbers, as when companies add numbers.
   */
  public void replaceIn(String mongoUri, String database) {
    try (MongoClient mongo = MongoClients.create(mongoUri)) {
      MongoCollection<Document> companies = mongo.getDatabase(database).getCollection(CompanyDocument.COLLECTION);
      List<com.mongodb.client.model.WriteModel<Document>> batch = new ArrayList<>(INSERT_BATCH);
      for (int c = 0; c < companies(); c++) {
        Document document = document(c, modes[c]);
        batch.add(new com.mongodb.client.model.ReplaceOneModel<>(new Document("_id", document.get("_id")), document,
            new com.mongodb.client.model.ReplaceOptions().upsert(true)));
        if (batch.size() == INSERT_BATCH) {
          companies.bulkWrite(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        companies.bulkWrite(batch);
      }
    }
  }

  /** The company's document with the given routing mode. */
  public Document document(int company, Mode mode) {
    List<Document> numbers = new ArrayList<>(numbersPerCompany + addedPerCompany);
    for (int n = 0; n < numbersPerCompany; n++) {
      numbers.add(CompanyDocument.numberEntry(number(firstNumberOf(company) + n), "active", n == 0));
    }
    for (int n = 0; n < addedPerCompany; n++) {
      numbers.add(CompanyDocument.numberEntry(number(baseNumbers + company * addedPerCompany + n), "active", false));
    }
    Document twilio = new Document("accountSid", accountSids[company])
        .append("authToken", authTokens[company])
        .append("phoneNumbers", numbers)
        .append("callRoutingMode", mode.stored)
        .append("forwardNumber", forwardNumber(company))
        .append("recordingEnabled", true)
        .append("whisperMessage", "Call for company " + company)
        .append("aiAgent", new Document("websocketUrl", "wss://agent.example.com/companies/" + companyIds[company]));
    return new Document("_id", new ObjectId(companyIds[company]))
        .append("companyName", "Bench company " + company)
        .append("twilioConfig", twilio);
  }

  /** Gives every company's account to the Twilio stand-in, so health checks and updates succeed. */
  public void registerWith(TwilioStandIn twilio) {
    for (int c = 0; c < companies(); c++) {
      twilio.register(accountSids[c], authTokens[c], TwilioStandIn.Behaviour.OK);
    }
  }

  private static byte[] bytes(SplittableRandom random, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) random.nextInt(256);
    }
    return out;
  }
}
