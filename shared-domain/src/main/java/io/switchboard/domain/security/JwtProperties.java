package io.switchboard.domain.security;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * What the authenticated APIs verify callers' JWTs with.
 *
 * @param jwtPublicKey {@code switchboard.jwt-public-key}: the PEM RSA public key of the identity provider
 */
@Validated
@ConfigurationProperties("switchboard")
public record JwtProperties(@NotBlank String jwtPublicKey) {}
