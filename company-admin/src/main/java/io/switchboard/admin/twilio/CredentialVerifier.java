package io.switchboard.admin.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.rest.api.v2010.Account;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.twilio.TenantCredentials;
import io.switchboard.domain.twilio.TwilioApiTarget;
import io.switchboard.domain.twilio.TwilioClientFactory;

/**
 * Checks new credentials against Twilio with those very credentials (fetching their own account)
 * before anything is stored. Its clients are its own, never the ones the other processes act with.
 */
public final class CredentialVerifier {

  /** What Twilio said of the credentials. */
  public enum Verdict { ACCEPTED, REJECTED, ACCOUNT_NOT_ACTIVE, UNREACHABLE }

  private final TwilioApiTarget target;

  public CredentialVerifier(TwilioApiTarget target) {
    this.target = target;
  }

  public Verdict verify(String companyId, String accountSid, Secret authToken) {
    try {
      Account account = TwilioClientFactory.withOwnClient(target,
          new TenantCredentials(companyId, accountSid, authToken), client -> Account.fetcher(accountSid).fetch(client));
      return account.getStatus() != null && "active".equalsIgnoreCase(account.getStatus().toString())
          ? Verdict.ACCEPTED : Verdict.ACCOUNT_NOT_ACTIVE;
    } catch (ApiException e) {
      Integer status = e.getStatusCode();
      return status != null && status >= 400 && status < 500 && status != 429 ? Verdict.REJECTED : Verdict.UNREACHABLE;
    } catch (ApiConnectionException e) {
      return Verdict.UNREACHABLE;
    }
  }
}
