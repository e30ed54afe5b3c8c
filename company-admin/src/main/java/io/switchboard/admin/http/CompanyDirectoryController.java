package io.switchboard.admin.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.switchboard.admin.mongo.CompanyStore;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.kafka.TopicReplica;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.twilio.CredentialCheck;
import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The admins' list of companies (filtered, paged, never a token) and every company's test
 * connection: its given or stored credentials checked against Twilio as the health monitor checks
 * them, without saving anything.
 */
@RestController
public class CompanyDirectoryController {

  static final int MAX_PAGE_SIZE = 100;
  private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
  private static final Set<String> ROUTING_MODES = Set.of("ai-agent", "voicemail", "forward");
  /** Health of a company the monitor has not reported on yet. */
  static final String HEALTH_UNKNOWN = "UNKNOWN";

  private final CompanyStore store;
  private final TopicReplica<TenantHealth> health;
  private final CredentialCheck check;
  private final TwilioConfigDocuments documents;
  private final PhoneNumbers phones;

  public CompanyDirectoryController(CompanyStore store, TopicReplica<TenantHealth> health, CredentialCheck check,
      TwilioConfigDocuments documents, PhoneNumbers phones) {
    this.store = store;
    this.health = health;
    this.check = check;
    this.documents = documents;
    this.phones = phones;
  }

  /** Credentials to test; either may be left out to use the stored one. */
  public record VerifyRequest(String accountSid, String authToken) {}

  @Operation(summary = "List companies (admins)", description = "Filtered by name (part, any case), whether Twilio is configured, the health monitor's last verdict (UNKNOWN before its first check) and routing mode; sorted by name; paged. Never shows a token.")
  @GetMapping("/api/companies")
  public ResponseEntity<?> list(@AuthenticationPrincipal Jwt jwt,
      @RequestParam(name = "name", required = false) String name,
      @RequestParam(name = "twilioConfigured", required = false) String twilioConfigured,
      @RequestParam(name = "health", required = false) String healthStatus,
      @RequestParam(name = "routingMode", required = false) String routingMode,
      @RequestParam(name = "page", defaultValue = "0") String page,
      @RequestParam(name = "size", defaultValue = "20") String size) {
    if (!CompanyAccess.isAdmin(jwt)) {
      throw new ResponseStatusException(HttpStatus.FORBIDDEN, "the company list is for admins");
    }
    List<FieldError> errors = new ArrayList<>();
    Integer pageNumber = integer("page", page, 0, Integer.MAX_VALUE, errors);
    Integer pageSize = integer("size", size, 1, MAX_PAGE_SIZE, errors);
    Boolean configured = null;
    if (twilioConfigured != null) {
      if (twilioConfigured.equals("true") || twilioConfigured.equals("false")) {
        configured = Boolean.valueOf(twilioConfigured);
      } else {
        errors.add(new FieldError("twilioConfigured", "must be true or false"));
      }
    }
    String wantedHealth = healthStatus == null ? null : healthStatus.toUpperCase(Locale.ROOT);
    if (wantedHealth != null && !wantedHealth.equals(HEALTH_UNKNOWN)
        && java.util.Arrays.stream(HealthStatus.values()).noneMatch(s -> s.name().equals(wantedHealth))) {
      errors.add(new FieldError("health", "must be one of HEALTHY, DEGRADED, DOWN, NOT_CONFIGURED, UNKNOWN"));
    }
    if (routingMode != null && !ROUTING_MODES.contains(routingMode)) {
      errors.add(new FieldError("routingMode", "must be one of ai-agent, voicemail, forward"));
    }
    if (name != null && name.length() > 200) {
      errors.add(new FieldError("name", "must be at most 200 characters"));
    }
    if (!errors.isEmpty()) {
      return ResponseEntity.badRequest().body(Map.of("errors", errors));
    }
    CompanyStore.Listing listing = store.list(new CompanyStore.ListFilter(name, configured, routingMode,
        wantedHealth == null ? null : id -> wantedHealth.equals(healthOf(id).map(h -> h.getStatus().name())
            .orElse(HEALTH_UNKNOWN))), pageNumber, pageSize);
    List<Map<String, Object>> items = listing.companies().stream().map(this::summary).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", items);
    body.put("page", pageNumber);
    body.put("size", pageSize);
    body.put("total", listing.total());
    return ResponseEntity.ok(body);
  }

  @Operation(summary = "Test a company's Twilio credentials", description = "Checks the given credentials, or the stored ones, against Twilio as the health monitor does, without saving anything.")
  @PostMapping("/api/companies/{companyId}/twilio/verify")
  public ResponseEntity<?> verify(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, content = @Content(examples = {
          @ExampleObject(name = "stored", summary = "the stored credentials", value = "{}"),
          @ExampleObject(name = "given", summary = "credentials not saved yet", value = """
              {"accountSid": "AC0123456789abcdef0123456789abcdef", "authToken": "0123456789abcdef0123456789abcdef"}""")}))
      @RequestBody(required = false) VerifyRequest request) {
    CompanyAccess.require(jwt, companyId);
    Optional<Document> company = store.find(companyId);
    if (company.isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no company " + companyId));
    }
    VerifyRequest given = request == null ? new VerifyRequest(null, null) : request;
    if (given.accountSid() != null && !ACCOUNT_SID.matcher(given.accountSid()).matches()) {
      return ResponseEntity.badRequest().body(Map.of("errors",
          List.of(new FieldError("accountSid", "must be AC followed by 32 hexadecimal digits"))));
    }
    if (given.authToken() != null && given.authToken().isBlank()) {
      return ResponseEntity.badRequest().body(Map.of("errors", List.of(new FieldError("authToken", "must not be blank"))));
    }
    Document twilio = CompanyDocument.of(company.get()).twilio();
    String accountSid = given.accountSid() != null ? given.accountSid() : twilio.getString("accountSid");
    Secret token = given.authToken() != null ? new Secret(given.authToken())
        : twilio.get(CompanyDocument.AUTH_TOKEN) == null ? null : documents.storedToken(companyId, twilio);
    TenantHealth result = accountSid == null || token == null
        ? TenantHealth.newBuilder().setCompanyId(companyId).setStatus(HealthStatus.NOT_CONFIGURED)
            .setReason(accountSid == null ? "no Account SID given or stored" : "no Auth Token given or stored")
            .setCheckedAt(java.time.Instant.now()).build()
        : check.check(companyId, accountSid, token);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("companyId", companyId);
    body.put("accountSid", accountSid);
    body.put("credentials", given.authToken() != null ? "given" : "stored");
    body.put("status", result.getStatus().name());
    body.put("reason", result.getReason());
    body.put("accountStatus", result.getAccountStatus());
    body.put("latencyMs", result.getLatencyMs());
    body.put("checkedAt", result.getCheckedAt().toString());
    body.put("saved", false);
    return ResponseEntity.ok(body);
  }

  private Optional<TenantHealth> healthOf(String companyId) {
    return Optional.ofNullable(health.get(companyId));
  }

  /** What the list shows of a company: never its token. */
  private Map<String, Object> summary(Document document) {
    CompanyDocument company = CompanyDocument.of(document);
    Document twilio = company.twilio();
    List<CompanyDocument.Number> numbers = company.numbers(phones, new ArrayList<>());
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("companyId", company.id());
    item.put("name", company.name().orElse(null));
    item.put("twilioConfigured", twilio.get("accountSid") != null && twilio.get(CompanyDocument.AUTH_TOKEN) != null);
    item.put("accountSid", twilio.getString("accountSid"));
    item.put("routingMode", twilio.getString("callRoutingMode"));
    item.put("numbers", numbers.size());
    item.put("primaryNumber", numbers.stream().filter(CompanyDocument.Number::primary).map(CompanyDocument.Number::e164)
        .findFirst().orElse(null));
    Map<String, Object> healthView = new LinkedHashMap<>();
    Optional<TenantHealth> known = healthOf(company.id());
    healthView.put("status", known.map(h -> h.getStatus().name()).orElse(HEALTH_UNKNOWN));
    healthView.put("reason", known.map(TenantHealth::getReason).orElse(null));
    healthView.put("checkedAt", known.map(h -> h.getCheckedAt().toString()).orElse(null));
    item.put("health", healthView);
    return item;
  }

  private static Integer integer(String field, String value, int min, int max, List<FieldError> errors) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError(field, max == Integer.MAX_VALUE ? "must be a whole number from " + min
        : "must be a whole number from " + min + " to " + max));
    return null;
  }
}
