package io.switchboard.domain.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The SDK's HTTP client without its own hidden retries (it repeats any 5xx three times, blocking
 * the caller): Switchboard classifies Twilio's answers itself and retries with backoff and jitter,
 * per tenant, without holding a thread.
 */
final class SingleAttemptHttpClient extends NetworkHttpClient {

  SingleAttemptHttpClient(HttpClientBuilder builder) {
    super(builder);
  }

  @Override
  public Response reliableRequest(Request request) {
    return makeRequest(request);
  }
}
