package io.switchboard.domain.twilio;

import com.twilio.http.TwilioRestClient;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * One Twilio client per company, built from that company's own credentials, cached, and rebuilt
 * when the company's credentials change. Never the SDK's static global client: in a multi-tenant
 * process that client would act for whichever tenant initialised it last.
 */
public final class TwilioClientFactory {

  private record Cached(TenantCredentials credentials, TwilioRestClient client) {}

  private final TwilioApiTarget target;
  private final ConcurrentMap<String, Cached> clients = new ConcurrentHashMap<>();

  public TwilioClientFactory(TwilioApiTarget target) {
    this.target = target;
  }

  public TwilioApiTarget target() {
    return target;
  }

  /**
   * The client of this company, acting as its Account SID with its Auth Token. When the credentials
   * changed, the previous client is closed (its connections and its idle-connection thread).
   */
  public TwilioRestClient clientFor(TenantCredentials credentials) {
    TwilioRestClient[] replaced = new TwilioRestClient[1];
    TwilioRestClient client = clients.compute(credentials.companyId(), (companyId, cached) -> {
      if (cached != null && cached.credentials().sameAs(credentials)) {
        return cached;
      }
      replaced[0] = cached == null ? null : cached.client();
      return new Cached(credentials, build(target, credentials));
    }).client();
    close(replaced[0]);
    return client;
  }

  /** Forgets a company's client, e.g. when the company is deleted, and closes it. */
  public void evict(String companyId) {
    Cached removed = clients.remove(companyId);
    close(removed == null ? null : removed.client());
  }

  /**
   * Runs one action with a client of its own for credentials that are not stored (a check before
   * saving them), and closes that client afterwards.
   */
  public static <T> T withOwnClient(TwilioApiTarget target, TenantCredentials credentials,
      Function<TwilioRestClient, T> action) {
    TwilioRestClient client = build(target, credentials);
    try {
      return action.apply(client);
    } finally {
      close(client);
    }
  }

  private static TwilioRestClient build(TwilioApiTarget target, TenantCredentials credentials) {
    return new TwilioRestClient.Builder(credentials.accountSid(), credentials.authToken().reveal())
        .accountSid(credentials.accountSid())
        .httpClient(target.newHttpClient())
        .build();
  }

  private static void close(TwilioRestClient client) {
    if (client != null && client.getHttpClient() instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Closing only releases connections; a failure leaves nothing to undo.
      }
    }
  }

  public int size() {
    return clients.size();
  }
}
