package io.switchboard.mirror;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.micrometer.core.instrument.Timer;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.OperationType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.mirror.kafka.CompanyConfigPublisher;
import io.switchboard.mirror.mongo.MirrorLease;
import io.switchboard.mirror.mongo.ResumeTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonDocument;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the companies collection into {@code tenants.company-config}: a snapshot, then the change
 * stream. The stream is opened <em>before</em> the snapshot is read, so a change made while the
 * snapshot runs is seen again from the stream (configs are whole documents, so seeing one twice is
 * harmless) and nothing falls between the two. Each change's resume token is stored only after
 * Kafka has acknowledged the change, so a restart resumes at the first change not yet mirrored.
 * When the stored position can no longer be resumed (history lost), the mirror re-snapshots,
 * tombstones companies that disappeared meanwhile, and says so in a log line and a metric.
 * Only the instance holding the {@link MirrorLease} mirrors; others wait to take over.
 */
public final class ConfigMirror implements Runnable {

  /**
   * Changes and documents asked for per batch. Without it a server may answer a burst of changes in
   * one reply: after 10,000 companies each gained 97 numbers, the stand-in's reply was 134 MB and the
   * driver refused every read past 48 MB, so the mirror retried forever.
   */
  static final int BATCH = 200;

  private static final Logger log = LoggerFactory.getLogger(ConfigMirror.class);
  /** Server errors meaning a stored position cannot be resumed: history lost, fatal, capped position lost, invalid token. */
  private static final Set<Integer> UNRESUMABLE = Set.of(286, 280, 136, 260);
  /** Any other command error this many times in a row on the same stored position also counts as unresumable. */
  private static final int RESUME_ATTEMPTS = 3;

  private final MongoCollection<Document> companies;
  private final ResumeTokenStore tokens;
  private final CompanyConfigPublisher publisher;
  private final CompanyDocumentReader reader;
  private final MirrorLease lease;
  private final Counter published;
  private final Counter resnapshots;
  private final Counter snapshots;
  /** How often the position of a stream without changes is stored. */
  private static final Duration POSITION_SAVE_INTERVAL = Duration.ofSeconds(10);
  private long positionSavedAt = System.nanoTime();
  private final Timer lag;
  private final AtomicBoolean active = new AtomicBoolean();
  private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "config-mirror-lease");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean running = true;
  private volatile MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor;

  public ConfigMirror(MongoCollection<Document> companies, ResumeTokenStore tokens, CompanyConfigPublisher publisher,
      CompanyDocumentReader reader, MirrorLease lease, MeterRegistry meters) {
    this.companies = companies;
    this.tokens = tokens;
    this.publisher = publisher;
    this.reader = reader;
    this.lease = lease;
    this.published = Counter.builder("switchboard.mirror.published").description("company configs and tombstones published")
        .register(meters);
    this.snapshots = Counter.builder("switchboard.mirror.snapshots")
        .description("full reads of the companies collection: the first, and any when no stored position resumes")
        .register(meters);
    this.resnapshots = Counter.builder("switchboard.mirror.resnapshots")
        .description("re-snapshots because the stored change-stream position could not be resumed").register(meters);
    meters.gauge("switchboard.mirror.active", active, a -> a.get() ? 1 : 0);
    this.lag = Timer.builder("switchboard.mirror.lag")
        .description("time from a change in MongoDB to its config published on Kafka")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(meters);
  }

  @Override
  public void run() {
    long waitMillis = Math.max(100, lease.ttl().toMillis() / 3);
    while (running) {
      if (!acquire()) {
        sleep(waitMillis);
        continue;
      }
      log.info("Mirror instance {} holds the lease and is active", lease.owner());
      active.set(true);
      ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(this::renew, waitMillis, waitMillis, TimeUnit.MILLISECONDS);
      try {
        mirrorWhileActive();
      } finally {
        renewal.cancel(false);
        active.set(false);
        closeCursor();
      }
      if (running) {
        log.warn("Mirror instance {} lost its lease; standing by", lease.owner());
      }
    }
  }

  private boolean acquire() {
    try {
      return lease.tryAcquire();
    } catch (RuntimeException e) {
      log.warn("Cannot reach MongoDB for the mirror lease: {}", e.getMessage());
      return false;
    }
  }

  private void renew() {
    if (!acquire()) {
      closeCursor();
    }
  }

  private void mirrorWhileActive() {
    int failuresOnStoredPosition = 0;
    while (running && lease.held()) {
      BsonDocument token = tokens.load();
      try {
        cursor = open(token);
        if (token == null) {
          snapshot();
          // The stream was opened before the snapshot: its position now is where a restart goes on
          // from, so that losing the lease or MongoDB later does not cost another snapshot.
          savePosition();
        }
        failuresOnStoredPosition = 0;
        follow();
      } catch (MongoCommandException e) {
        if (!running || !lease.held()) {
          return;
        }
        if (token != null && (UNRESUMABLE.contains(e.getErrorCode()) || ++failuresOnStoredPosition >= RESUME_ATTEMPTS)) {
          resnapshots.increment();
          log.warn("The stored change-stream position cannot be resumed (error {} {}); re-snapshotting every company",
              e.getErrorCode(), e.getErrorCodeName());
          tokens.clear();
          failuresOnStoredPosition = 0;
        } else {
          log.error("Change stream failed: {}; retrying", e.getMessage());
          sleep(1_000);
        }
      } catch (LeaseLostException e) {
        return;
      } catch (RuntimeException e) {
        if (!running || !lease.held()) {
          return;
        }
        log.error("Config mirror failed: {}; retrying", e.getMessage());
        sleep(1_000);
      }
    }
  }

  private MongoChangeStreamCursor<ChangeStreamDocument<Document>> open(BsonDocument token) {
    var stream = companies.watch().fullDocument(FullDocument.UPDATE_LOOKUP).batchSize(BATCH)
        .maxAwaitTime(500, TimeUnit.MILLISECONDS);
    if (token != null) {
      stream = stream.resumeAfter(token);
      log.info("Resuming the companies change stream from the stored position");
    }
    return stream.cursor();
  }

  /** Publishes every company, then tombstones companies the topic still holds but MongoDB no longer has. */
  private void snapshot() {
    snapshots.increment();
    Set<String> seen = new HashSet<>();
    for (Document document : companies.find().batchSize(BATCH)) {
      seen.add(publish(document, "snapshot"));
    }
    Set<String> stale = publisher.publishedCompanyIds();
    stale.removeAll(seen);
    for (String companyId : stale) {
      tombstone(companyId);
    }
    log.info("Snapshot of {} companies mirrored; {} companies no longer in MongoDB removed", seen.size(), stale.size());
  }

  private void follow() {
    while (running) {
      if (!lease.held()) {
        throw new LeaseLostException();
      }
      ChangeStreamDocument<Document> change = cursor.tryNext();
      if (change == null) {
        if (System.nanoTime() - positionSavedAt > POSITION_SAVE_INTERVAL.toNanos()) {
          savePosition();
        }
        sleep(20);
        continue;
      }
      apply(change);
      tokens.save(change.getResumeToken());
      positionSavedAt = System.nanoTime();
    }
  }

  /**
   * Stores the stream's position when no change has moved it: the server's post-batch resume token,
   * which advances while nothing changes, so that a quiet collection's position does not age out of
   * the oplog either.
   */
  private void savePosition() {
    BsonDocument position = cursor.getResumeToken();
    if (position != null) {
      tokens.save(position);
    }
    positionSavedAt = System.nanoTime();
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
      case DELETE -> tombstone(CompanyDocumentReader.companyId(idOf(change.getDocumentKey())));
      default -> log.warn("Change stream event {} ignored", type.getValue());
    }
    changedAt(change).ifPresent(at -> lag.record(Duration.between(at, Instant.now()).abs()));
  }

  /** When MongoDB made the change: its wall time (MongoDB 6+), else its cluster time (whole seconds). */
  private static Optional<Instant> changedAt(ChangeStreamDocument<Document> change) {
    if (change.getWallTime() != null) {
      return Optional.of(Instant.ofEpochMilli(change.getWallTime().getValue()));
    }
    return change.getClusterTime() == null ? Optional.empty()
        : Optional.of(Instant.ofEpochSecond(change.getClusterTime().getTime()));
  }

  private static Object idOf(BsonDocument key) {
    var id = key.get("_id");
    if (id.isObjectId()) {
      return id.asObjectId().getValue();
    }
    return id.isString() ? id.asString().getValue() : id.toString();
  }

  private String publish(Document document, String sourceVersion) {
    var config = reader.read(document, sourceVersion);
    checkLease();
    publisher.publish(config.getCompanyId(), config);
    published.increment();
    if (!config.getWarnings().isEmpty()) {
      log.warn("Company {} has config warnings: {}", config.getCompanyId(), config.getWarnings());
    }
    return config.getCompanyId();
  }

  private void tombstone(String companyId) {
    checkLease();
    publisher.publish(companyId, null);
    published.increment();
    log.info("Company {} deleted: tombstone published", companyId);
  }

  private void checkLease() {
    if (!lease.held()) {
      throw new LeaseLostException();
    }
  }

  private void closeCursor() {
    var c = cursor;
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        log.debug("Closing the change stream: {}", e.toString());
      }
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  public boolean isActive() {
    return active.get();
  }

  public long publishedCount() {
    return (long) published.count();
  }

  public long resnapshotCount() {
    return (long) resnapshots.count();
  }

  /** Stops mirroring and gives the lease up so a standby takes over at once. */
  public void stop() {
    running = false;
    closeCursor();
    renewer.shutdownNow();
    try {
      lease.release();
    } catch (RuntimeException e) {
      log.debug("Releasing the lease: {}", e.toString());
    }
  }

  /** The lease expired before it could be renewed: another instance may be active. */
  private static final class LeaseLostException extends RuntimeException {
    LeaseLostException() {
      super("mirror lease lost", null, false, false);
    }
  }
}
