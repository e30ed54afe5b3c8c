package io.switchboard.resolver.http;

import io.switchboard.domain.security.JwtApiSecurity;
import io.switchboard.resolver.NumberDiagnostics;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

/**
 * Operators' view of number ownership: {@code /api/admin/numbers/{number}} and
 * {@code /api/admin/numbers/conflicts}. It names companies and their numbers: admins see everything;
 * a company user may explain a number its company owns or claims, with other companies unnamed.
 */
@RestController
public class DiagnosticsController {

  private final NumberDiagnostics diagnostics;

  public DiagnosticsController(NumberDiagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  @GetMapping("/api/admin/numbers/conflicts")
  public ResponseEntity<?> conflicts(@AuthenticationPrincipal Jwt jwt) {
    if (!JwtApiSecurity.isAdmin(jwt)) {
      return forbidden();
    }
    return ResponseEntity.ok(diagnostics.conflicts());
  }

  @GetMapping("/api/admin/numbers/{number}")
  public ResponseEntity<?> explain(@AuthenticationPrincipal Jwt jwt, @PathVariable("number") String number) {
    String companyId = jwt.getClaimAsString("companyId");
    boolean admin = JwtApiSecurity.isAdmin(jwt);
    if (!admin && (companyId == null || companyId.isBlank())) {
      return forbidden();
    }
    Optional<String> e164 = diagnostics.normalise(number);
    if (e164.isEmpty()) {
      return ResponseEntity.badRequest().body(Map.of("error", "not a phone number", "number", number));
    }
    Optional<NumberDiagnostics.Elsewhere> elsewhere = diagnostics.elsewhere(e164.get());
    if (elsewhere.isPresent()) {
      URI location = URI.create("http://" + elsewhere.get().host() + ":" + elsewhere.get().port()
          + "/api/admin/numbers/" + UriUtils.encodePathSegment(e164.get(), "UTF-8"));
      return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT).location(location).build();
    }
    if (admin) {
      return ResponseEntity.ok(diagnostics.explain(number, e164.get()));
    }
    // Not found rather than forbidden: whether another company holds the number is not this user's to know.
    return diagnostics.explainFor(companyId, number, e164.get())
        .<ResponseEntity<?>>map(ResponseEntity::ok)
        .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
            .body(Map.of("error", "this company neither owns nor claims the number", "number", e164.get())));
  }

  private static ResponseEntity<Map<String, String>> forbidden() {
    return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", "an admin token is required"));
  }

  @ExceptionHandler(InvalidStateStoreException.class)
  public ResponseEntity<Map<String, String>> notReady(InvalidStateStoreException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(Map.of("error", "resolver state is not queryable yet (starting or rebalancing); retry shortly"));
  }
}
