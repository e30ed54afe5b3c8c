package io.switchboard.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Time from a MongoDB write to routing taking effect, as a caller sees it: a company's routing mode
 * is changed in {@code v2companies}, and from that moment its number is called every few
 * milliseconds; the time is that of the first answer carrying the new mode's TwiML. It therefore
 * includes the change stream, the mirror, both Kafka topics, the resolver's table, the ingress's
 * replica and one webhook's own round trip: an upper bound on the propagation alone. Each sample
 * flips a company to another mode and back, measuring both writes.
 */
public final class ConfigPropagation {

  /** What the samples measured, in microseconds. */
  public record Result(Histogram micros, long timedOut) {}

  private final Fleet fleet;
  private final VoiceWebhooks webhooks;
  private final String mongoUri;
  private final String database;
  private final Duration probeInterval;
  private final Duration patience;

  public ConfigPropagation(Fleet fleet, VoiceWebhooks webhooks, String mongoUri, String database,
      Duration probeInterval, Duration patience) {
    this.fleet = fleet;
    this.webhooks = webhooks;
    this.mongoUri = mongoUri;
    this.database = database;
    this.probeInterval = probeInterval;
    this.patience = patience;
  }

  public Result measure(int samples) throws InterruptedException {
    Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    long timedOut = 0;
    try (MongoClient mongo = MongoClients.create(mongoUri)) {
      MongoCollection<Document> companies = mongo.getDatabase(database).getCollection("v2companies");
      for (int s = 0; s < samples; s++) {
        // Spread across the fleet; never the same company twice.
        int company = (int) ((long) s * fleet.companies() / samples);
        Fleet.Mode original = fleet.mode(company);
        Fleet.Mode other = original == Fleet.Mode.FORWARD ? Fleet.Mode.VOICEMAIL : Fleet.Mode.FORWARD;
        for (Fleet.Mode target : List.of(other, original)) {
          long took = timeUntilRouted(companies, company, target, s);
          if (took < 0) {
            timedOut++;
          } else {
            micros.recordValue(Math.min(took, micros.getHighestTrackableValue()));
          }
        }
      }
    }
    return new Result(micros, timedOut);
  }

  /** Microseconds from the write to the first answer in the new mode, or -1 past the patience. */
  private long timeUntilRouted(MongoCollection<Document> companies, int company, Fleet.Mode target, int sample)
      throws InterruptedException {
    int number = fleet.firstNumberOf(company);
    AtomicLong firstSeen = new AtomicLong(Long.MAX_VALUE);
    List<CompletableFuture<?>> probes = new ArrayList<>();
    long written = System.nanoTime();
    companies.updateOne(Filters.eq("_id", new ObjectId(fleet.companyId(company))),
        Updates.set("twilioConfig.callRoutingMode", target.stored));
    long deadline = written + patience.toNanos();
    long probe = 0;
    while (firstSeen.get() == Long.MAX_VALUE && System.nanoTime() < deadline) {
      String callSid = webhooks.callSid(((long) (sample + 1) << 40) | ((long) target.ordinal() << 32) | probe++);
      probes.add(webhooks.post(webhooks.url(), number, callSid).thenAccept(response -> {
        if (response.status() / 100 != 2) {
          return;
        }
        webhooks.answered().add(callSid);
        if (webhooks.isAnswerFor(response.body(), company, target)) {
          firstSeen.accumulateAndGet(System.nanoTime(), Math::min);
        }
      }));
      Thread.sleep(probeInterval.toMillis());
    }
    CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS)
        .exceptionally(e -> null).join();
    fleet.setMode(company, target);
    long seen = firstSeen.get();
    return seen == Long.MAX_VALUE ? -1 : (seen - written) / 1_000;
  }
}
