package io.switchboard.domain.security;

import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * What the authenticated APIs verify callers' JWTs with: the identity provider's RSA public key, or
 * its JWKS URI (one of the two), and the issuer and audience a token must name when they are set.
 * Every token must carry an expiry.
 *
 * @param jwtPublicKey {@code switchboard.jwt-public-key}: the PEM RSA public key of the identity provider
 * @param jwtJwksUri {@code switchboard.jwt-jwks-uri}: the identity provider's JWKS endpoint, instead
 * @param jwtIssuer {@code switchboard.jwt-issuer}: the {@code iss} every token must have, when set
 * @param jwtAudience {@code switchboard.jwt-audience}: a value every token's {@code aud} must contain, when set
 */
@Validated
@ConfigurationProperties("switchboard")
public record JwtProperties(String jwtPublicKey, String jwtJwksUri, String jwtIssuer, String jwtAudience) {

  /** Exactly one way to verify signatures. */
  @AssertTrue(message = "give switchboard.jwt-public-key or switchboard.jwt-jwks-uri (one of the two)")
  public boolean isKeyGiven() {
    return present(jwtPublicKey) != present(jwtJwksUri);
  }

  static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
