package io.switchboard.domain.twilio;

import io.switchboard.domain.crypto.Secret;
import java.util.Objects;

/** One company's Twilio credentials, decrypted, held only in memory. */
public record TenantCredentials(String companyId, String accountSid, Secret authToken) {

  public TenantCredentials {
    Objects.requireNonNull(companyId, "companyId");
    if (accountSid == null || !accountSid.startsWith("AC")) {
      throw new IllegalArgumentException("Company " + companyId + " has no valid Account SID");
    }
    Objects.requireNonNull(authToken, "authToken");
  }

  /** True when both hold the same account and token (token compared in constant time). */
  public boolean sameAs(TenantCredentials other) {
    return other != null && accountSid.equals(other.accountSid) && authToken.matches(other.authToken);
  }
}
