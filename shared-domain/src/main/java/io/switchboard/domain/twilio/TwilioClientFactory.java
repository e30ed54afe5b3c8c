package io.switchboard.domain.twilio;

import com.twilio.http.TwilioRestClient;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

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

  /** The client of this company, acting as its Account SID with its Auth Token. */
  public TwilioRestClient clientFor(TenantCredentials credentials) {
    return clients.compute(credentials.companyId(), (companyId, cached) -> {
      if (cached != null && cached.credentials().sameAs(credentials)) {
        return cached;
      }
      TwilioRestClient client = new TwilioRestClient.Builder(credentials.accountSid(), credentials.authToken().reveal())
          .accountSid(credentials.accountSid())
          .httpClient(target.newHttpClient())
          .build();
      return new Cached(credentials, client);
    }).client();
  }

  /** Forgets a company's client, e.g. when the company is deleted. */
  public void evict(String companyId) {
    clients.remove(companyId);
  }

  public int size() {
    return clients.size();
  }
}
