package io.switchboard.domain.twilio;

import com.twilio.http.HttpClient;
import java.net.URI;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpHost;

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

  /**
   * A fresh HTTP client for one tenant, so tenants never share a connection pool. Apache
   * HttpClient's automatic retries (it repeats 429 and 503 after a pause) are off: retries are
   * Switchboard's decision, made without blocking a thread.
   */
  HttpClient newHttpClient() {
    HttpClientBuilder builder = HttpClientBuilder.create()
        .disableAutomaticRetries()
        .setDefaultRequestConfig(HttpClient.DEFAULT_REQUEST_CONFIG);
    if (!isLive()) {
      HttpHost target = new HttpHost("http", standIn.getHost(), standIn.getPort());
      builder.setRoutePlanner((host, context) -> new HttpRoute(target));
    }
    return new SingleAttemptHttpClient(builder);
  }
}
