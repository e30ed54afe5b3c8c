package io.switchboard.mirror;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.OperationType;
import io.switchboard.mirror.kafka.CompanyConfigPublisher;
import io.switchboard.mirror.mongo.ResumeTokenStore;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the companies collection into {@code tenants.company-config}: a snapshot, then the change
 * stream. The stream is opened <em>before</em> the snapshot is read, so a change made while the
 * snapshot runs is seen again from the stream (configs are whole documents, so seeing one twice is
 * harmless); nothing can fall between the two. After a restart the mirror resumes from its stored
 * token; when the token can no longer be resumed (history lost) it re-snapshots and says so.
 */
public final class ConfigMirror implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(ConfigMirror.class);
  /** Server errors meaning the stored position is no longer in the oplog. */
  private static final int CHANGE_STREAM_HISTORY_LOST = 286;
  private static final int CHANGE_STREAM_FATAL = 280;

  private final MongoCollection<Document> companies;
  private final ResumeTokenStore tokens;
  private final CompanyConfigPublisher publisher;
  private final CompanyDocumentReader reader;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong resnapshots = new AtomicLong();
  private volatile boolean running = true;
  private volatile MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor;

  public ConfigMirror(MongoCollection<Document> companies, ResumeTokenStore tokens, CompanyConfigPublisher publisher,
      CompanyDocumentReader reader) {
    this.companies = companies;
    this.tokens = tokens;
    this.publisher = publisher;
    this.reader = reader;
  }

  @Override
  public void run() {
    while (running) {
      try {
        BsonDocument token = tokens.load();
        cursor = open(token);
        if (token == null) {
          snapshot();
        }
        follow();
      } catch (MongoCommandException e) {
        if (!running) {
          return;
        }
        if (e.getErrorCode() == CHANGE_STREAM_HISTORY_LOST || e.getErrorCode() == CHANGE_STREAM_FATAL) {
          resnapshots.incrementAndGet();
          log.warn("Stored change-stream position can no longer be resumed ({}); re-snapshotting the companies",
              e.getErrorCodeName());
          tokens.clear();
        } else {
          log.error("Change stream failed: {}; retrying", e.getMessage());
          pause();
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        log.error("Config mirror failed: {}; retrying", e.getMessage());
        pause();
      }
    }
  }

  private MongoChangeStreamCursor<ChangeStreamDocument<Document>> open(BsonDocument token) {
    var stream = companies.watch().fullDocument(FullDocument.UPDATE_LOOKUP)
        .maxAwaitTime(500, java.util.concurrent.TimeUnit.MILLISECONDS);
    if (token != null) {
      stream = stream.resumeAfter(token);
      log.info("Resuming the companies change stream from the stored position");
    }
    return stream.cursor();
  }

  private void snapshot() {
    long count = 0;
    for (Document document : companies.find()) {
      publish(document, "snapshot");
      count++;
    }
    log.info("Snapshot of {} companies mirrored", count);
  }

  private void follow() {
    while (running) {
      ChangeStreamDocument<Document> change = cursor.tryNext();
      if (change == null) {
        idle();
        continue;
      }
      apply(change);
      tokens.save(change.getResumeToken());
    }
  }

  private void apply(ChangeStreamDocument<Document> change) {
    OperationType type = change.getOperationType();
    switch (type) {
      case INSERT, UPDATE, REPLACE -> {
        Document document = change.getFullDocument();
        if (document == null) {
          // Deleted after this change was made; the delete event that follows sends the tombstone.
          log.debug("Change without a full document for {}", change.getDocumentKey());
        } else {
          publish(document, "change:" + type.getValue());
        }
      }
      case DELETE -> {
        String companyId = CompanyDocumentReader.companyId(idOf(change.getDocumentKey()));
        publisher.publish(companyId, null);
        published.incrementAndGet();
        log.info("Company {} deleted: tombstone published", companyId);
      }
      default -> log.warn("Change stream event {} ignored", type.getValue());
    }
  }

  private static Object idOf(BsonDocument key) {
    var id = key.get("_id");
    if (id.isObjectId()) {
      return id.asObjectId().getValue();
    }
    return id.isString() ? id.asString().getValue() : id.toString();
  }

  private void publish(Document document, String sourceVersion) {
    var config = reader.read(document, sourceVersion);
    publisher.publish(config.getCompanyId(), config);
    published.incrementAndGet();
    if (!config.getWarnings().isEmpty()) {
      log.warn("Company {} has config warnings: {}", config.getCompanyId(), config.getWarnings());
    }
  }

  /** Some servers answer an empty getMore at once instead of waiting; do not spin on them. */
  private void idle() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void pause() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  public long publishedCount() {
    return published.get();
  }

  public long resnapshotCount() {
    return resnapshots.get();
  }

  public void stop() {
    running = false;
    var c = cursor;
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        log.debug("Closing the change stream: {}", e.toString());
      }
    }
  }
}
