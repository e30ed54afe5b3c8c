package io.switchboard.mirror.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.MongoCommandException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A lease in MongoDB that lets exactly one mirror instance be active: the holder renews it well
 * before it expires; a standby takes it only once it has expired, i.e. once the holder has died or
 * lost MongoDB for longer than the lease. The holder stops publishing as soon as it cannot prove
 * its lease is still valid.
 */
public final class MirrorLease {

  private final MongoCollection<Document> leases;
  private final String name;
  private final String owner;
  private final Duration ttl;
  private final Clock clock;
  private volatile Instant validUntil = Instant.EPOCH;

  public MirrorLease(MongoDatabase database, String name, String owner, Duration ttl, Clock clock) {
    this.leases = database.getCollection(ResumeTokenStore.COLLECTION);
    this.name = "lease:" + name;
    this.owner = owner;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Takes or renews the lease; true when this instance holds it afterwards. */
  public boolean tryAcquire() {
    Instant now = clock.instant();
    Bson mine = Filters.and(Filters.eq("_id", name),
        Filters.or(Filters.eq("owner", owner), Filters.lt("expiresAt", Date.from(now))));
    try {
      Document lease = leases.findOneAndUpdate(mine,
          Updates.combine(Updates.set("owner", owner), Updates.set("expiresAt", Date.from(now.plus(ttl)))),
          new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
      if (lease != null && owner.equals(lease.get("owner"))) {
        validUntil = now.plus(ttl);
        return true;
      }
      return false;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return false;
      }
      throw e;
    } catch (MongoCommandException e) {
      if (e.getErrorCode() == 11000) {
        return false;
      }
      throw e;
    }
  }

  /** True while this instance's last successful renewal has not yet expired. */
  public boolean held() {
    return clock.instant().isBefore(validUntil);
  }

  /** Gives the lease up at once, so a standby need not wait for it to expire. */
  public void release() {
    validUntil = Instant.EPOCH;
    leases.deleteOne(Filters.and(Filters.eq("_id", name), Filters.eq("owner", owner)));
  }

  public String owner() {
    return owner;
  }

  public Duration ttl() {
    return ttl;
  }
}
