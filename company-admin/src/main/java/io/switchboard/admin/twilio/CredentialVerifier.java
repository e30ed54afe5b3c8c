package io.switchboard.admin.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.rest.api.v2010.Account;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumber;
import com.twilio.type.PhoneNumber;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.twilio.TenantCredentials;
import io.switchboard.domain.twilio.TwilioApiTarget;
import io.switchboard.domain.twilio.TwilioClientFactory;

/**
 * Checks new credentials against Twilio with those very credentials (fetching their own account)
 * before anything is stored. Its clients are its own, never the ones the other processes act with.
 */
public final class CredentialVerifier {

  /** Whether an account owns a number, as far as Twilio said. */
  public enum Ownership { OWNED, NOT_OWNED, UNKNOWN }

  /**
   * Whether the account lists the number among its {@code IncomingPhoneNumbers}, asked with the
   * company's own credentials: a company can claim only a number its own Twilio account holds.
   */
  public Ownership owns(String companyId, String accountSid, Secret authToken, String e164) {
    try {
      boolean listed = TwilioClientFactory.withOwnClient(target, new TenantCredentials(companyId, accountSid, authToken),
          client -> IncomingPhoneNumber.reader(accountSid).setPhoneNumber(new PhoneNumber(e164)).limit(1).read(client)
              .iterator().hasNext());
      return listed ? Ownership.OWNED : Ownership.NOT_OWNED;
    } catch (ApiException | ApiConnectionException e) {
      return Ownership.UNKNOWN;
    }
  }

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
