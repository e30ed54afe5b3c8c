package io.switchboard.local;

import io.switchboard.domain.security.JwtKeys;
import java.time.Duration;

/**
 * A signing key made for one local run, and the JWTs the company API accepts from it: an admin's
 * and a company user's.
 */
public final class DemoTokens {

  private final JwtKeys keys = JwtKeys.generate();

  public String publicKeyPem() {
    return keys.publicKeyPem();
  }

  public String adminToken(Duration ttl) {
    return keys.adminToken(ttl);
  }

  public String companyToken(String companyId, Duration ttl) {
    return keys.companyToken(companyId, ttl);
  }
}
