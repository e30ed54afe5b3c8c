package io.switchboard.health.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.rest.api.v2010.Account;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.CredentialException;
import io.switchboard.domain.twilio.TenantCredentials;
import io.switchboard.domain.twilio.TwilioClientFactory;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks one company's Twilio credentials by fetching its own account with its own client:
 * HEALTHY when Twilio answers with an active account, DEGRADED when it does so slower than the
 * threshold, DOWN when the credentials are rejected, the account is suspended or closed, or the
 * API cannot be reached, NOT_CONFIGURED when the company has no credentials.
 */
public final class CredentialCheck {

  private final CredentialCipher cipher;
  private final TwilioClientFactory clients;
  private final Duration degradedAfter;
  private final Clock clock;

  public CredentialCheck(CredentialCipher cipher, TwilioClientFactory clients, Duration degradedAfter, Clock clock) {
    this.cipher = cipher;
    this.clients = clients;
    this.degradedAfter = degradedAfter;
    this.clock = clock;
  }

  public TenantHealth check(CompanyConfig company) {
    String companyId = company.getCompanyId();
    String accountSid = company.getRouting().getAccountSid();
    if (accountSid == null || company.getAuthToken() == null) {
      return health(companyId, HealthStatus.NOT_CONFIGURED, "no Twilio credentials configured", null, null);
    }
    TenantCredentials credentials;
    try {
      credentials = new TenantCredentials(companyId, accountSid, cipher.decrypt(companyId, company.getAuthToken()));
    } catch (CredentialException | IllegalArgumentException e) {
      return health(companyId, HealthStatus.DOWN, e.getMessage(), null, null);
    }
    Instant started = clock.instant();
    try {
      Account account = Account.fetcher(accountSid).fetch(clients.clientFor(credentials));
      long latency = Duration.between(started, clock.instant()).toMillis();
      String status = account.getStatus() == null ? null : account.getStatus().toString();
      if (!"active".equalsIgnoreCase(status)) {
        return health(companyId, HealthStatus.DOWN, "Twilio account is " + status, status, latency);
      }
      if (latency > degradedAfter.toMillis()) {
        return health(companyId, HealthStatus.DEGRADED, "Twilio answered in " + latency + " ms", status, latency);
      }
      return health(companyId, HealthStatus.HEALTHY, null, status, latency);
    } catch (ApiException e) {
      long latency = Duration.between(started, clock.instant()).toMillis();
      String reason = e.getStatusCode() != null && e.getStatusCode() == 401
          ? "Twilio rejected the credentials (401)"
          : "Twilio answered " + e.getStatusCode() + " (code " + e.getCode() + ")";
      return health(companyId, HealthStatus.DOWN, reason, null, latency);
    } catch (ApiConnectionException e) {
      return health(companyId, HealthStatus.DOWN, "Twilio API unreachable", null, null);
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
