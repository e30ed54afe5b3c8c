package io.switchboard.domain.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * An RSA signing key for development and self-hosted set-ups, and the JWTs the APIs accept from it:
 * an admin's and a company user's. In production the key pair belongs to the identity provider; the
 * APIs only hold its public key ({@code switchboard.jwt-public-key}).
 */
public final class JwtKeys {

  private final KeyPair keys;

  private JwtKeys(KeyPair keys) {
    this.keys = keys;
  }

  public static JwtKeys generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new JwtKeys(generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA unavailable", e);
    }
  }

  /** The key pair of a PKCS#8 PEM private key, as {@link #privateKeyPem()} writes it. */
  public static JwtKeys fromPrivateKeyPem(String pem) {
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der(pem)));
      var publicKey = rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
      return new JwtKeys(new KeyPair(publicKey, privateKey));
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException("not a PKCS#8 PEM RSA private key", e);
    }
  }

  public String publicKeyPem() {
    return pem("PUBLIC KEY", keys.getPublic().getEncoded());
  }

  /** The public key on one line, as an environment variable holds it. */
  public String publicKeyPemOneLine() {
    return "-----BEGIN PUBLIC KEY-----" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())
        + "-----END PUBLIC KEY-----";
  }

  public String privateKeyPem() {
    return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
  }

  public String adminToken(Duration ttl) {
    return sign(new JWTClaimsSet.Builder().subject("admin").claim("roles", List.of("admin")), ttl);
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

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] der(String pem) {
    return Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
  }

  @Override
  public String toString() {
    return "JwtKeys[RSA]";
  }
}
