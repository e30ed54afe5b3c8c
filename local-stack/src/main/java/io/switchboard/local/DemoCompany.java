package io.switchboard.local;

import io.switchboard.domain.companies.CompanyDocument;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The company the local run starts with, written in the existing {@code v2companies} shape: two
 * numbers in {@code phoneNumbers[]}, one legacy {@code phoneNumber} written with dashes, routing
 * mode {@code forward}, and its own Account SID and Auth Token (made up, unless real ones are
 * given for a live run). Like many legacy documents its token is stored in plaintext; the mirror
 * encrypts it before it leaves MongoDB.
 */
public record DemoCompany(String companyId, String name, String accountSid, String authToken, List<String> numbers,
    String legacyNumber, String forwardNumber) {

  public static DemoCompany generate(String accountSid, String authToken) {
    SecureRandom random = new SecureRandom();
    byte[] sid = new byte[16];
    byte[] token = new byte[16];
    random.nextBytes(sid);
    random.nextBytes(token);
    return new DemoCompany(new ObjectId().toHexString(), "Acme Plumbing (demo)",
        accountSid != null ? accountSid : "AC" + HexFormat.of().formatHex(sid),
        authToken != null ? authToken : HexFormat.of().formatHex(token),
        List.of("+15551230001", "+15551230002"), "+1-555-123-4567", "+15559876543");
  }

  public Document toDocument() {
    Document twilio = new Document("accountSid", accountSid)
        .append("authToken", authToken)
        .append("phoneNumber", legacyNumber)
        .append("phoneNumbers", List.of(
            CompanyDocument.numberEntry(numbers.get(0), "active", true),
            CompanyDocument.numberEntry(numbers.get(1), "active", false)))
        .append("callRoutingMode", "forward")
        .append("forwardNumber", forwardNumber)
        .append("recordingEnabled", true)
        .append("whisperMessage", "Call for Acme Plumbing, routed by Switchboard.");
    return new Document("_id", new ObjectId(companyId)).append("companyName", name).append("twilioConfig", twilio);
  }

  public void insertInto(String mongoUri, String database) {
    try (MongoClient mongo = MongoClients.create(mongoUri)) {
      mongo.getDatabase(database).getCollection(CompanyDocument.COLLECTION).insertOne(toDocument());
    }
  }
}
