package io.switchboard.admin.http;

import io.switchboard.admin.AdminProperties;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every company API call carries a JWT signed with the configured RSA key (a stateless bearer-token
 * API: no session, no CSRF). Which company a caller may touch is decided per request by
 * {@link CompanyAccess}.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

  @Bean
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    return http
        .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
        .oauth2ResourceServer(oauth -> oauth.jwt(jwt -> { }))
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  JwtDecoder jwtDecoder(AdminProperties props) throws Exception {
    String pem = props.jwtPublicKey().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
    return NimbusJwtDecoder.withPublicKey(key).build();
  }
}
