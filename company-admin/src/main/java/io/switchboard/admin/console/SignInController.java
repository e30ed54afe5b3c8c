package io.switchboard.admin.console;

import io.switchboard.domain.security.JwtApiSecurity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Signing in with an API token: it is checked exactly as the API checks it (the same decoder: RS256,
 * this deployment's key, expiry, issuer and audience when configured), then kept in the server-side
 * session only. The page never shows it again, and the session ends when the token expires.
 */
@Controller
public class SignInController {

  private static final Logger log = LoggerFactory.getLogger(SignInController.class);

  private final JwtDecoder decoder;
  private final SecurityContextRepository sessions;

  public SignInController(JwtDecoder decoder, SecurityContextRepository consoleSessions) {
    this.decoder = decoder;
    this.sessions = consoleSessions;
  }

  @GetMapping(ConsoleSecurity.SIGN_IN)
  public String form(@RequestParam(name = "expired", required = false) String expired,
      @RequestParam(name = "signedOut", required = false) String signedOut, Model model) {
    if (expired != null) {
      model.addAttribute("notice", "Your token expired: sign in again with a new one.");
    } else if (signedOut != null) {
      model.addAttribute("notice", "You are signed out.");
    }
    return "console/sign-in";
  }

  @PostMapping(ConsoleSecurity.SIGN_IN)
  public String signIn(@RequestParam(name = "token", defaultValue = "") String token, HttpServletRequest request,
      HttpServletResponse response, Model model) {
    Jwt jwt;
    try {
      jwt = decoder.decode(token.strip());
    } catch (JwtException | IllegalArgumentException e) {
      log.info("Console sign-in refused: {}", e.getClass().getSimpleName());
      model.addAttribute("error", "This token was not accepted: it is expired, malformed, or not signed for this "
          + "deployment.");
      response.setStatus(401);
      return "console/sign-in";
    }
    boolean admin = JwtApiSecurity.isAdmin(jwt);
    String companyId = jwt.getClaimAsString("companyId");
    if (!admin && (companyId == null || companyId.isBlank())) {
      model.addAttribute("error", "This token names neither the admin role nor a company.");
      response.setStatus(403);
      return "console/sign-in";
    }
    // Not the API's JwtAuthenticationToken: that one is transient by design and never kept in a session.
    PreAuthenticatedAuthenticationToken authentication = new PreAuthenticatedAuthenticationToken(jwt, null,
        List.of(new SimpleGrantedAuthority(admin ? "ROLE_ADMIN" : "ROLE_COMPANY")));
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(authentication);
    SecurityContextHolder.setContext(context);
    // A new session id on sign-in: an id planted before it is worth nothing after.
    request.getSession(true);
    request.changeSessionId();
    sessions.saveContext(context, request, response);
    return "redirect:/console";
  }
}
