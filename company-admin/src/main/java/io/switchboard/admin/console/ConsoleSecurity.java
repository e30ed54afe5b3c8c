package io.switchboard.admin.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The console's own security, ahead of the API's bearer tokens: a person signs in once with the
 * same JWT the API takes, and the session (an HttpOnly, SameSite=Strict cookie) carries it from
 * then on, so no token is ever kept in the browser's storage. Because a cookie authenticates, every
 * state-changing request carries a CSRF token. Pages load nothing from elsewhere (CSP).
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurity {

  static final String SIGN_IN = "/console/sign-in";

  @Bean
  SecurityContextRepository consoleSessions() {
    return new HttpSessionSecurityContextRepository();
  }

  @Bean
  @Order(0)
  SecurityFilterChain console(HttpSecurity http,
      SecurityContextRepository consoleSessions) throws Exception {
    return http
        .securityMatcher("/console", "/console/**", "/webjars/**")
        .authorizeHttpRequests(auth -> auth
            .requestMatchers(SIGN_IN, "/console/assets/**", "/webjars/**").permitAll()
            .anyRequest().authenticated())
        .securityContext(context -> context.securityContextRepository(consoleSessions))
        .exceptionHandling(errors -> errors.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(SIGN_IN)))
        .logout(logout -> logout.logoutUrl("/console/sign-out").logoutSuccessUrl(SIGN_IN + "?signedOut"))
        .headers(headers -> headers
            .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; img-src 'self' data:; "
                + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"))
            .cacheControl(cache -> { }))
        .build();
  }
}
