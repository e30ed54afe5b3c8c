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

  private final Runnable onClose;

  SingleAttemptHttpClient(HttpClientBuilder builder, Runnable onClose) {
    super(builder);
    this.onClose = onClose;
  }

  @Override
  public Response reliableRequest(Request request) {
    return makeRequest(request);
  }

  /** Closes the connections; the shared idle-connection evictor forgets the pool. */
  @Override
  public void close() {
    client.close(CloseMode.GRACEFUL);
    onClose.run();
  }
}
