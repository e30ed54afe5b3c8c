package io.switchboard.domain.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.io.CloseMode;

/**
 * The SDK's HTTP client without its own hidden retries (it repeats any 5xx three times, blocking
 * the caller): Switchboard classifies Twilio's answers itself and retries with backoff and jitter,
 * per tenant, without holding a thread.
 */
final class SingleAttemptHttpClient extends NetworkHttpClient implements AutoCloseable {

  SingleAttemptHttpClient(HttpClientBuilder builder) {
    super(builder);
  }

  @Override
  public Response reliableRequest(Request request) {
    return makeRequest(request);
  }

  /** Closes the connections and stops the idle-connection evictor's thread. */
  @Override
  public void close() {
    client.close(CloseMode.GRACEFUL);
  }
}
