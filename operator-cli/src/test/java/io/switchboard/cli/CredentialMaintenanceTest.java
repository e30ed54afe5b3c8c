package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.switchboard.domain.companies.CompanyVersion;
import io.switchboard.domain.crypto.CredentialCipher;
import java.net.InetSocketAddress;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migrating or re-encrypting a token never undoes a rotation that lands while the command runs. */
class CredentialMaintenanceTest {

  private MongoServer server;
  private MongoClient client;
  private MongoCollection<Document> companies;
  private final CredentialCipher cipher = CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson());

  @BeforeEach
  void start() {
    server = new MongoServer(new MemoryBackend());
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    companies = client.getDatabase("test").getCollection("v2companies");
    companies.insertOne(new Document("_id", "acme").append("twilioConfig", new Document("authToken", "old-plain-token")));
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdown();
  }

  @Test
  void shouldLeaveARotationThatLandedAfterTheReadInPlace() {
    CredentialMaintenance maintenance = new CredentialMaintenance(companies, cipher);
    Document read = companies.find(Filters.eq("_id", "acme")).first();
    companies.updateOne(Filters.eq("_id", "acme"), Updates.set("twilioConfig.authToken", "rotated-token"));

    boolean replaced = maintenance.replaceTokenIfUnchanged(read, "old-plain-token", "encrypted form of the old token");

    assertThat(replaced).isFalse();
    assertThat(companies.find(Filters.eq("_id", "acme")).first().get("twilioConfig", Document.class)
        .getString("authToken")).isEqualTo("rotated-token");
  }

  @Test
  void shouldReplaceAnUnchangedTokenAndCountTheWrite() {
    CredentialMaintenance maintenance = new CredentialMaintenance(companies, cipher);

    assertThat(maintenance.migrate(false)).extracting(CredentialMaintenance.Change::what)
        .containsExactly("plaintext token encrypted");
    Document stored = companies.find(Filters.eq("_id", "acme")).first();
    assertThat(stored.get("twilioConfig", Document.class).get("authToken")).isInstanceOf(Document.class);
    assertThat(CompanyVersion.of(stored)).isEqualTo(1);
  }
}
