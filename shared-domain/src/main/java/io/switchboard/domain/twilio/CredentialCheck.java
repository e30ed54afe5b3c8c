package io.switchboard.domain.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.rest.api.v2010.Account;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.CredentialException;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks one set of Twilio credentials by fetching its own account with its own client:
 * HEALTHY when Twilio answers with an active account, DEGRADED when it does so slower than the
 * threshold, DOWN when the credentials are rejected, the account is suspended or closed, or the
 * API cannot be reached after retries (429, 5xx and connection failures are tried again),
 * NOT_CONFIGURED when there are no credentials. The reason never contains a credential. The health
 * monitor checks with each company's long-lived client; the company API's test connection with a
 * client of its own, closed after the check, so that credentials not saved are never cached.
 */
public final class CredentialCheck {

  static final int ATTEMPTS = 3;

  /** Fetches the credentials' own account through some client of those credentials. */
  @FunctionalInterface
  public interface AccountFetcher {
    Account fetch(TenantCredentials credentials);
  }

  private final CredentialCipher cipher;
  private final AccountFetcher accounts;
  private final Duration degradedAfter;
  private final Clock clock;

  /** Checks through the factory's long-lived client of each company. */
  public CredentialCheck(CredentialCipher cipher, TwilioClientFactory clients, Duration degradedAfter, Clock clock) {
    this(cipher, credentials -> Account.fetcher(credentials.accountSid()).fetch(clients.clientFor(credentials)),
        degradedAfter, clock);
  }

  public CredentialCheck(CredentialCipher cipher, AccountFetcher accounts, Duration degradedAfter, Clock clock) {
    this.cipher = cipher;
    this.accounts = accounts;
    this.degradedAfter = degradedAfter;
    this.clock = clock;
  }

  public TenantHealth check(CompanyConfig company) {
    String companyId = company.getCompanyId();
    String accountSid = company.getRouting().getAccountSid();
    if (accountSid == null || company.getAuthToken() == null) {
      return health(companyId, HealthStatus.NOT_CONFIGURED, "no Twilio credentials configured", null, null);
    }
    Secret token;
    try {
      token = cipher.decrypt(companyId, company.getAuthToken());
    } catch (CredentialException e) {
      return health(companyId, HealthStatus.DOWN, e.getMessage(), null, null);
    }
    return check(companyId, accountSid, token);
  }

  /** Checks credentials under a name of their own (a company id, or the global credentials' label). */
  public TenantHealth check(String name, String accountSid, Secret token) {
    TenantCredentials credentials;
    try {
      credentials = new TenantCredentials(name, accountSid, token);
    } catch (IllegalArgumentException e) {
      return health(name, HealthStatus.DOWN, e.getMessage(), null, null);
    }
    Attempt result = attempt(credentials);
    for (int attempt = 2; attempt <= ATTEMPTS && result.retriable(); attempt++) {
      pause(200L * (attempt - 1));
      result = attempt(credentials);
    }
    return result.health();
  }

  /** One check's result, and whether Twilio's answer (429, 5xx, no answer) deserves another try. */
  private record Attempt(TenantHealth health, boolean retriable) {}

  private Attempt attempt(TenantCredentials credentials) {
    String name = credentials.companyId();
    Instant started = clock.instant();
    try {
      Account account = accounts.fetch(credentials);
      long latency = Duration.between(started, clock.instant()).toMillis();
      String status = account.getStatus() == null ? null : account.getStatus().toString();
      if (!"active".equalsIgnoreCase(status)) {
        return new Attempt(health(name, HealthStatus.DOWN, "Twilio account is " + status, status, latency), false);
      }
      if (latency > degradedAfter.toMillis()) {
        return new Attempt(health(name, HealthStatus.DEGRADED, "Twilio answered in " + latency + " ms", status,
            latency), false);
      }
      return new Attempt(health(name, HealthStatus.HEALTHY, null, status, latency), false);
    } catch (ApiException e) {
      long latency = Duration.between(started, clock.instant()).toMillis();
      Integer code = e.getStatusCode();
      if (code == null) {
        // The SDK's report of a request that got no HTTP answer.
        return new Attempt(health(name, HealthStatus.DOWN, "no answer from Twilio", null, latency), true);
      }
      String reason = code == 401 ? "Twilio rejected the credentials (401)"
          : "Twilio answered " + code + " (code " + e.getCode() + ")";
      boolean retriable = code == 429 || code >= 500;
      return new Attempt(health(name, HealthStatus.DOWN, reason, null, latency), retriable);
    } catch (ApiConnectionException e) {
      return new Attempt(health(name, HealthStatus.DOWN, "Twilio API unreachable", null, null), true);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private TenantHealth health(String companyId, HealthStatus status, String reason, String accountStatus,
      Long latencyMs) {
    return TenantHealth.newBuilder()
        .setCompanyId(companyId)
        .setStatus(status)
        .setReason(reason)
        .setAccountStatus(accountStatus)
        .setLatencyMs(latencyMs)
        .setCheckedAt(clock.instant())
        .build();
  }
}
