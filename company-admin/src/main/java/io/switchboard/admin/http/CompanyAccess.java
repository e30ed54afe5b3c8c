package io.switchboard.admin.http;

import io.switchboard.domain.security.JwtApiSecurity;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.server.ResponseStatusException;

/**
 * Who may touch which company: a token whose {@code roles} claim holds {@code admin} may read and
 * change any company; a company user's token (claim {@code companyId}) only its own.
 */
final class CompanyAccess {

  private CompanyAccess() {}

  static boolean isAdmin(Jwt jwt) {
    return JwtApiSecurity.isAdmin(jwt);
  }

  static void require(Jwt jwt, String companyId) {
    if (isAdmin(jwt) || companyId.equals(jwt.getClaimAsString("companyId"))) {
      return;
    }
    throw new ResponseStatusException(HttpStatus.FORBIDDEN, "not allowed for this company");
  }
}
