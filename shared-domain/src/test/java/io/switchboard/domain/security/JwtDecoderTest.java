package io.switchboard.domain.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/** The APIs accept a JWT only when it is RS256-signed by the identity provider, unexpired, and names whom it must. */
class JwtDecoderTest {

  private static final String ISSUER = "https://id.example.com";
  private static final String AUDIENCE = "switchboard";

  private final KeyPair keys = rsa();
  private final String publicPem = "-----BEGIN PUBLIC KEY-----\n"
      + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  private final JwtDecoder decoder = JwtApiSecurity.decoder(new JwtProperties(publicPem, null, ISSUER, AUDIENCE));

  @Test
  void shouldAcceptAnRs256TokenFromTheIssuerForTheAudienceThatHasNotExpired() throws Exception {
    assertThat(decoder.decode(signed(claims())).getSubject()).isEqualTo("admin");
  }

  @Test
  void shouldRefuseAnUnsignedToken() {
    String none = new PlainJWT(claims().build()).serialize();

    assertThatThrownBy(() -> decoder.decode(none)).isInstanceOf(JwtException.class);
  }

  @Test
  void shouldRefuseAnHmacTokenKeyedWithThePublicKey() throws Exception {
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
    hmac.sign(new MACSigner(publicPem.getBytes()));

    assertThatThrownBy(() -> decoder.decode(hmac.serialize())).isInstanceOf(JwtException.class);
  }

  @Test
  void shouldRefuseAnExpiredToken() throws Exception {
    String expired = signed(claims().expirationTime(Date.from(Instant.now().minusSeconds(3600))));

    assertThatThrownBy(() -> decoder.decode(expired)).isInstanceOf(JwtException.class);
  }

  @Test
  void shouldRefuseATokenWithoutAnExpiry() throws Exception {
    String forever = signed(claims().expirationTime(null));

    assertThatThrownBy(() -> decoder.decode(forever)).isInstanceOf(JwtException.class).hasMessageContaining("exp");
  }

  @Test
  void shouldRefuseAnotherIssuerOrAnotherAudience() throws Exception {
    String otherIssuer = signed(claims().issuer("https://evil.example.com"));
    String otherAudience = signed(claims().audience("another-api"));

    assertThatThrownBy(() -> decoder.decode(otherIssuer)).isInstanceOf(JwtException.class);
    assertThatThrownBy(() -> decoder.decode(otherAudience)).isInstanceOf(JwtException.class);
  }

  @Test
  void shouldRefuseATamperedPayload() throws Exception {
    String[] parts = signed(claims()).split("\\.");
    String elevated = Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims().claim("roles", List.of("admin", "root")).build().toString().getBytes());

    assertThatThrownBy(() -> decoder.decode(parts[0] + "." + elevated + "." + parts[2]))
        .isInstanceOf(JwtException.class);
  }

  @Test
  void shouldAcceptTokensWithoutIssuerOrAudienceWhenNoneIsConfigured() throws Exception {
    JwtDecoder lenient = JwtApiSecurity.decoder(new JwtProperties(publicPem, null, null, null));

    assertThat(lenient.decode(signed(claims().issuer(null).audience((String) null))).getSubject()).isEqualTo("admin");
  }

  private JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().subject("admin").issuer(ISSUER).audience(AUDIENCE)
        .claim("roles", List.of("admin")).issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(600)));
  }

  private String signed(JWTClaimsSet.Builder claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
    jwt.sign(new RSASSASigner(keys.getPrivate()));
    return jwt.serialize();
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
