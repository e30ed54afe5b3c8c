package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.crypto.TokenDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators encrypt legacy plaintext tokens in MongoDB, rotate the key, and move every token to the
 * new key, with reports naming companies and never tokens.
 */
class CredentialCommandsIT {

  @TempDir
  Path dir;

  @Test
  void shouldMigratePlaintextTokensThenMoveEveryTokenToARotatedKey() throws Exception {
    String database = "credentials-" + System.nanoTime();
    String keyset = CredentialCipher.generateKeysetJson();
    Path keysetFile = Files.writeString(dir.resolve("keyset.json"), keyset);
    CredentialCipher original = CredentialCipher.fromKeysetJson(keyset);
    try (MongoClient mongo = MongoClients.create(SharedStack.stack().mongoUri())) {
      MongoCollection<Document> companies = mongo.getDatabase(database).getCollection("v2companies");
      companies.insertOne(company("legacy-1", "plain-token-number-one-0001"));
      companies.insertOne(company("legacy-2", "plain-token-number-two-0002"));
      companies.insertOne(new Document("_id", "encrypted").append("twilioConfig", new Document("authToken",
          TokenDocuments.toDocument(original.encrypt("encrypted", new Secret("already-encrypted-token-03"))))));
      companies.insertOne(new Document("_id", "no-token").append("twilioConfig", new Document("phoneNumber", "+15550001111")));
      String[] target = {"--mongo-uri", SharedStack.stack().mongoUri(), "--database", database, "--keyset-file",
          keysetFile.toString()};

      String dryRun = Cli.run(concat(new String[] {"credentials", "migrate", "--dry-run"}, target));
      assertThat(dryRun).contains("legacy-1: plaintext token would be encrypted").contains("2 companies would change");
      assertThat(companies.find(new Document("_id", "legacy-1")).first().get("twilioConfig", Document.class)
          .get("authToken")).isEqualTo("plain-token-number-one-0001");

      String migrated = Cli.run(concat(new String[] {"credentials", "migrate"}, target));
      assertThat(migrated).contains("legacy-1: plaintext token encrypted").contains("legacy-2: plaintext token encrypted")
          .contains("2 companies changed").doesNotContain("plain-token");
      assertThat(token(companies, "legacy-1", original)).isEqualTo("plain-token-number-one-0001");

      String rotated = Cli.run("keys", "rotate", "--keyset-file", keysetFile.toString());
      CredentialCipher next = CredentialCipher.fromKeysetJson(Files.readString(keysetFile));
      assertThat(rotated).contains("new primary key " + Integer.toUnsignedString(next.primaryKeyId()));
      assertThat(next.primaryKeyId()).isNotEqualTo(original.primaryKeyId());

      String moved = Cli.run(concat(new String[] {"credentials", "re-encrypt"}, target));
      assertThat(moved).contains("3 companies changed").doesNotContain("token-number");
      for (String id : new String[] {"legacy-1", "legacy-2", "encrypted"}) {
        Object stored = companies.find(new Document("_id", id)).first().get("twilioConfig", Document.class).get("authToken");
        assertThat(CredentialCipher.keyIdOf(TokenDocuments.encrypted(stored))).as(id).isEqualTo(next.primaryKeyId());
      }
      assertThat(token(companies, "encrypted", next)).isEqualTo("already-encrypted-token-03");
      assertThat(Cli.run(concat(new String[] {"credentials", "re-encrypt"}, target))).contains("0 companies changed");
      mongo.getDatabase(database).drop();
    }
  }

  private static String token(MongoCollection<Document> companies, String id, CredentialCipher cipher) {
    Object stored = companies.find(new Document("_id", id)).first().get("twilioConfig", Document.class).get("authToken");
    assertThat(stored).isInstanceOf(Document.class);
    return TokenDocuments.read(id, stored, cipher).reveal();
  }

  private static Document company(String id, String token) {
    return new Document("_id", id).append("twilioConfig", new Document("accountSid", "AC" + "1".repeat(32))
        .append("authToken", token));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
