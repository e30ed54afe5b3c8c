package io.switchboard.admin.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.switchboard.domain.companies.CompanyVersion;
import java.net.InetSocketAddress;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A configuration built from an older read never silently undoes a change made since. */
class CompanyStoreTest {

  private MongoServer server;
  private MongoClient client;
  private MongoCollection<Document> companies;
  private CompanyStore store;
  private final String id = new ObjectId().toHexString();

  @BeforeEach
  void start() {
    server = new MongoServer(new MemoryBackend());
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    companies = client.getDatabase("test").getCollection("v2companies");
    store = new CompanyStore(companies);
    companies.insertOne(new Document("_id", new ObjectId(id)).append("twilioConfig",
        new Document("authToken", "token-1").append("phoneNumbers", List.of())));
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdown();
  }

  @Test
  void shouldRefuseANumberChangeBuiltBeforeAConcurrentRotationAndKeepTheRotation() {
    Document numbersRead = store.find(id).orElseThrow();
    Document rotationRead = store.find(id).orElseThrow();
    store.saveTwilioConfig(id, new Document("authToken", "token-2").append("phoneNumbers", List.of()),
        CompanyVersion.of(rotationRead));

    Document staleNumbers = new Document(numbersRead.get("twilioConfig", Document.class))
        .append("phoneNumbers", List.of(new Document("phoneNumber", "+15551230001")));

    assertThatThrownBy(() -> store.saveTwilioConfig(id, staleNumbers, CompanyVersion.of(numbersRead)))
        .isInstanceOf(CompanyStore.ConcurrentChangeException.class);
    Document stored = store.find(id).orElseThrow();
    assertThat(stored.get("twilioConfig", Document.class).getString("authToken")).isEqualTo("token-2");
    assertThat(CompanyVersion.of(stored)).isEqualTo(1);
  }

  @Test
  void shouldAcceptSuccessiveWritesEachBuiltFromTheLatestRead() {
    for (int i = 0; i < 3; i++) {
      Document read = store.find(id).orElseThrow();
      store.saveTwilioConfig(id, new Document("authToken", "token-" + i), CompanyVersion.of(read));
    }

    assertThat(CompanyVersion.of(store.find(id).orElseThrow())).isEqualTo(3);
  }
}
