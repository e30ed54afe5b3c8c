package io.switchboard.domain.security;

import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Bearer-token security for Switchboard's HTTP APIs: every request carries a JWT signed with the
 * RSA key whose public half is {@code switchboard.jwt-public-key} (stateless: no session, no CSRF).
 * Roles come from the {@code roles} claim; a company user's company from {@code companyId}. Health
 * probes and the Prometheus scrape are open, as an orchestrator and a scraper carry no token.
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
            .anyRequest().authenticated())
        .oauth2ResourceServer(oauth -> oauth.jwt(jwt -> { }))
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  JwtDecoder jwtDecoder(JwtProperties props) throws Exception {
    String pem = props.jwtPublicKey().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
    return NimbusJwtDecoder.withPublicKey(key).build();
  }

  /** True when the token's roles include admin. */
  public static boolean isAdmin(Jwt jwt) {
    List<String> roles = jwt.getClaimAsStringList("roles");
    return roles != null && roles.contains("admin");
  }
}
