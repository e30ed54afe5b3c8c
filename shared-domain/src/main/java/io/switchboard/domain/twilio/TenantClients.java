package io.switchboard.domain.twilio;

import com.twilio.http.TwilioRestClient;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.schemas.tenants.CompanyConfig;

/**
 * The only way a process gets a Twilio client to act for a company: from that company's own config,
 * its token decrypted under its own company id. A config of one company cannot produce a client for
 * another: the ids must agree, and the ciphertext, bound to its company id, would not decrypt.
 */
public final class TenantClients {

  private final CredentialCipher cipher;
  private final TwilioClientFactory factory;

  public TenantClients(CredentialCipher cipher, TwilioClientFactory factory) {
    this.cipher = cipher;
    this.factory = factory;
  }

  /**
   * The client acting as {@code companyId}'s own Twilio account.
   *
   * @throws CompanyNotKnownException when no config of the company is known yet (transient)
   * @throws IllegalArgumentException when the config is not that company's, or it has no credentials
   */
  public TwilioRestClient forCompany(String companyId, CompanyConfig config) {
    if (config == null) {
      throw new CompanyNotKnownException(companyId);
    }
    if (!companyId.equals(config.getCompanyId())) {
      throw new IllegalArgumentException("the config given is not company " + companyId + "'s");
    }
    if (config.getAuthToken() == null || config.getRouting().getAccountSid() == null) {
      throw new IllegalArgumentException("company " + companyId + " has no Twilio credentials");
    }
    return factory.clientFor(new TenantCredentials(companyId, config.getRouting().getAccountSid(),
        cipher.decrypt(companyId, config.getAuthToken())));
  }
}
