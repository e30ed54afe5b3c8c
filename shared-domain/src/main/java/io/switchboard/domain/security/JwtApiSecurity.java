package io.switchboard.domain.security;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Bearer-token security for Switchboard's HTTP APIs: every request carries a JWT signed with the
 * RSA key whose public half is {@code switchboard.jwt-public-key} (stateless: no session, no CSRF).
 * Roles come from the {@code roles} claim; a company user's company from {@code companyId}. Health
 * probes and the Prometheus scrape are open, as an orchestrator and a scraper carry no token, and so
 * is the API's OpenAPI description.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(JwtProperties.class)
public class JwtApiSecurity {

  @Bean
  SecurityFilterChain jwtApi(HttpSecurity http) throws Exception {
    return http
        // Probes and the metrics scrape carry no token; they show no tenant data and no secret.
        .authorizeHttpRequests(auth -> auth
            .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/actuator/info")
            .permitAll()
            // The API's description: what a client generator needs, no tenant data.
            .requestMatchers("/v3/api-docs", "/v3/api-docs/**").permitAll()
            .anyRequest().authenticated())
        .oauth2ResourceServer(oauth -> oauth.jwt(jwt -> { }))
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  JwtDecoder jwtDecoder(JwtProperties props) {
    return decoder(props);
  }

  /**
   * A decoder that accepts only RS256 tokens signed by the configured key (so neither {@code alg=none}
   * nor an HMAC keyed with the public key), that carry an expiry in the future, and that name the
   * configured issuer and audience when those are set.
   */
  public static JwtDecoder decoder(JwtProperties props) {
    NimbusJwtDecoder decoder = JwtProperties.present(props.jwtJwksUri())
        ? NimbusJwtDecoder.withJwkSetUri(props.jwtJwksUri()).jwsAlgorithm(SignatureAlgorithm.RS256).build()
        : NimbusJwtDecoder.withPublicKey(publicKey(props.jwtPublicKey())).signatureAlgorithm(SignatureAlgorithm.RS256)
            .build();
    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
    validators.add(new JwtTimestampValidator());
    validators.add(new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull));
    if (JwtProperties.present(props.jwtIssuer())) {
      validators.add(new JwtIssuerValidator(props.jwtIssuer()));
    }
    if (JwtProperties.present(props.jwtAudience())) {
      validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
          audience -> audience != null && audience.contains(props.jwtAudience())));
    }
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
    return decoder;
  }

  private static RSAPublicKey publicKey(String pem) {
    try {
      String der = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
          Base64.getDecoder().decode(der)));
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException("switchboard.jwt-public-key is not a PEM RSA public key", e);
    }
  }

  /** True when the token's roles include admin. */
  public static boolean isAdmin(Jwt jwt) {
    List<String> roles = jwt.getClaimAsStringList("roles");
    return roles != null && roles.contains("admin");
  }
}
