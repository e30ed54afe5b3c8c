package io.switchboard.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A signing key made for one local run, and the JWTs the company API accepts from it: an admin's
 * and a company user's. In production the key pair belongs to the identity provider; the API only
 * holds its public key.
 */
public final class DemoTokens {

  private final KeyPair keys;

  public DemoTokens() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.keys = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA unavailable", e);
    }
  }

  public String publicKeyPem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  public String adminToken(Duration ttl) {
    return sign(new JWTClaimsSet.Builder().subject("demo-admin").claim("roles", List.of("admin")), ttl);
  }

  public String companyToken(String companyId, Duration ttl) {
    return sign(new JWTClaimsSet.Builder().subject("user-of-" + companyId).claim("companyId", companyId)
        .claim("roles", List.of("company")), ttl);
  }

  private String sign(JWTClaimsSet.Builder claims, Duration ttl) {
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256),
        claims.issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl))).build());
    try {
      jwt.sign(new RSASSASigner(keys.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign a token", e);
    }
    return jwt.serialize();
  }
}
