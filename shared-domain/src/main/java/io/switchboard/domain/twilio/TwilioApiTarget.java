package io.switchboard.domain.twilio;

import com.twilio.http.HttpClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.TimeValue;

/**
 * Where Twilio REST calls go: Twilio itself, or a stand-in of its API (the local stack and the
 * tests). The SDK has no base-URL setting, so a stand-in is reached by an HTTP route planner that
 * sends every connection to the stand-in's address while the SDK builds the same requests,
 * paths and authentication it would send to Twilio.
 */
public final class TwilioApiTarget {

  private final URI standIn;

  private TwilioApiTarget(URI standIn) {
    this.standIn = standIn;
  }

  public static TwilioApiTarget live() {
    return new TwilioApiTarget(null);
  }

  /** @param baseUrl e.g. http://127.0.0.1:8089 */
  public static TwilioApiTarget standIn(String baseUrl) {
    URI uri = URI.create(baseUrl);
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
      throw new IllegalArgumentException("Twilio stand-in URL must be http://host:port, got " + baseUrl);
    }
    return new TwilioApiTarget(uri);
  }

  public boolean isLive() {
    return standIn == null;
  }

  public String describe() {
    return isLive() ? "Twilio (live)" : "Twilio stand-in at " + standIn;
  }

  /** A pooled connection idle longer than this is checked before it is used again. */
  static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(1);
  /** Connections idle this long are closed by the client first. */
  static final TimeValue EVICT_IDLE_AFTER = TimeValue.ofSeconds(30);

  /**
   * Every tenant client's connection pool, held weakly (a client dropped by its tenant cache goes
   * with its pool), closed of idle and expired connections by one daemon thread for all of them.
   * HttpClient's own {@code evictIdleConnections} starts a thread per client: one per tenant.
   */
  private static final Set<PoolingHttpClientConnectionManager> POOLS =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private static final ScheduledExecutorService EVICTOR = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "twilio-idle-connection-evictor");
    thread.setDaemon(true);
    return thread;
  });

  static {
    long every = EVICT_IDLE_AFTER.toMilliseconds() / 2;
    EVICTOR.scheduleWithFixedDelay(TwilioApiTarget::evictIdle, every, every, TimeUnit.MILLISECONDS);
  }

  /** How many tenant clients' connection pools are open (created and not closed). */
  static int openPools() {
    return POOLS.size();
  }

  private static void evictIdle() {
    List<PoolingHttpClientConnectionManager> pools;
    synchronized (POOLS) {
      pools = new ArrayList<>(POOLS);
    }
    for (PoolingHttpClientConnectionManager pool : pools) {
      pool.closeExpired();
      pool.closeIdle(EVICT_IDLE_AFTER);
    }
  }

  /**
   * A fresh HTTP client for one tenant, so tenants never share a connection pool. Apache
   * HttpClient's automatic retries (it repeats 429 and 503 after a pause) are off: retries are
   * Switchboard's decision, made without blocking a thread. A kept-alive connection the server has
   * since closed is found and replaced before a request goes out on it (HttpClient does not check
   * by default): sent on it, an SMS would fail with no answer, an outcome Switchboard must treat as
   * unknown although Twilio never saw the request. Idle connections are closed after
   * {@link #EVICT_IDLE_AFTER} by one thread shared by every tenant's client.
   */
  HttpClient newHttpClient() {
    PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY).build())
        .build();
    POOLS.add(pool);
    HttpClientBuilder builder = HttpClientBuilder.create()
        .disableAutomaticRetries()
        .setConnectionManager(pool)
        .setDefaultRequestConfig(HttpClient.DEFAULT_REQUEST_CONFIG);
    if (!isLive()) {
      HttpHost target = new HttpHost("http", standIn.getHost(), standIn.getPort());
      builder.setRoutePlanner((host, context) -> new HttpRoute(target));
    }
    return new SingleAttemptHttpClient(builder, () -> POOLS.remove(pool));
  }
}
