package io.switchboard.mirror.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Instant;
import java.util.Date;
import org.bson.BsonDocument;
import org.bson.Document;

/**
 * Where the mirror keeps its change-stream position, in the same MongoDB as the companies. A token
 * is saved only after the record it follows has been acknowledged by Kafka, so a restart resumes
 * at or before the first change not yet mirrored: never after it.
 */
public final class ResumeTokenStore {

  public static final String COLLECTION = "switchboard_mirror_state";

  private final MongoCollection<Document> state;
  private final String streamName;

  public ResumeTokenStore(MongoDatabase database, String streamName) {
    this.state = database.getCollection(COLLECTION);
    this.streamName = streamName;
  }

  public BsonDocument load() {
    Document document = state.find(new Document("_id", streamName)).first();
    if (document == null || !(document.get("resumeToken") instanceof Document token)) {
      return null;
    }
    return token.toBsonDocument();
  }

  public void save(BsonDocument token) {
    state.replaceOne(new Document("_id", streamName),
        new Document("_id", streamName).append("resumeToken", token).append("savedAt", Date.from(Instant.now())),
        new ReplaceOptions().upsert(true));
  }

  public void clear() {
    state.deleteOne(new Document("_id", streamName));
  }
}
