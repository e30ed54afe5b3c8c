package io.switchboard.admin.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.admin.http.CompanyConfigController;
import io.switchboard.admin.http.CompanyDirectoryController;
import io.switchboard.admin.http.TwilioConfigRequest;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.security.JwtApiSecurity;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.kafka.DeadLetters;
import io.switchboard.kafka.TopicReplica;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.tenants.HealthAlert;
import io.switchboard.schemas.tenants.PhoneRoute;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * The company console: the pages a person uses instead of the API, the CLI and the dashboards.
 * Every change goes through the company API's own operations (the same validation, Twilio checks,
 * ownership rules and optimistic concurrency), as the signed-in user.
 */
@Controller
public class ConsoleController {

  private static final List<String> MODES = List.of("ai-agent", "voicemail", "forward");

  private final CompanyConfigController config;
  private final CompanyDirectoryController directory;
  private final PhoneNumbers phones;
  private final TopicReplica<TenantHealth> health;
  private final TopicReplica<PhoneRoute> routes;
  private final RecentByCompany<CallEvent> calls;
  private final RecentByCompany<HealthAlert> alerts;
  private final ResolverClient resolver;
  private final DeadLetters deadLetters;
  private final ObjectMapper json = new ObjectMapper();

  public ConsoleController(CompanyConfigController config, CompanyDirectoryController directory, PhoneNumbers phones,
      TopicReplica<TenantHealth> companyHealth, TopicReplica<PhoneRoute> consoleRoutes,
      RecentByCompany<CallEvent> consoleCalls, RecentByCompany<HealthAlert> consoleAlerts, ResolverClient resolver,
      DeadLetters deadLetters) {
    this.config = config;
    this.directory = directory;
    this.phones = phones;
    this.health = companyHealth;
    this.routes = consoleRoutes;
    this.calls = consoleCalls;
    this.alerts = consoleAlerts;
    this.resolver = resolver;
    this.deadLetters = deadLetters;
  }

  /** The signed-in user's token; the session ends with it. */
  static Jwt user() {
    if (SecurityContextHolder.getContext().getAuthentication() != null
        && SecurityContextHolder.getContext().getAuthentication().getPrincipal() instanceof Jwt jwt) {
      if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(Instant.now())) {
        throw new ConsoleAdvice.SessionExpired();
      }
      return jwt;
    }
    throw new ConsoleAdvice.SessionExpired();
  }

  static boolean admin(Jwt jwt) {
    return JwtApiSecurity.isAdmin(jwt);
  }

  private static void requireAdmin(Jwt jwt) {
    if (!admin(jwt)) {
      throw new ResponseStatusException(HttpStatus.FORBIDDEN, "this page is for admins");
    }
  }

  private static void requireCompany(Jwt jwt, String companyId) {
    if (!admin(jwt) && !companyId.equals(jwt.getClaimAsString("companyId"))) {
      throw new ResponseStatusException(HttpStatus.FORBIDDEN, "you may not open another company's pages");
    }
  }

  private void common(Model model, Jwt jwt, String companyId, String tab) {
    model.addAttribute("admin", admin(jwt));
    model.addAttribute("userCompany", jwt.getClaimAsString("companyId"));
    model.addAttribute("companyId", companyId);
    model.addAttribute("tab", tab);
  }

  @GetMapping("/console")
  public String home() {
    Jwt jwt = user();
    return admin(jwt) ? "redirect:/console/companies"
        : "redirect:/console/companies/" + UriUtils.encodePathSegment(jwt.getClaimAsString("companyId"), "UTF-8")
            + "/control-center";
  }

  // ---- Companies (admins)

  @GetMapping("/console/companies")
  public String companies(@RequestParam(name = "q", required = false) String query, Model model) {
    Jwt jwt = user();
    requireAdmin(jwt);
    common(model, jwt, null, "companies");
    model.addAttribute("q", query == null ? "" : query);
    model.addAttribute("companies", companyList(jwt, query));
    return "console/companies";
  }

  /** The list's rows alone, for the search box as one types. */
  @GetMapping("/console/companies/rows")
  public String companyRows(@RequestParam(name = "q", required = false) String query, Model model) {
    Jwt jwt = user();
    requireAdmin(jwt);
    model.addAttribute("companies", companyList(jwt, query));
    return "console/companies :: rows";
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> companyList(Jwt jwt, String query) {
    String name = query == null || query.isBlank() ? null : query.strip();
    ResponseEntity<?> answer = directory.list(jwt, name, null, null, null, "0", "100");
    if (!answer.getStatusCode().is2xxSuccessful() || !(answer.getBody() instanceof Map<?, ?> body)) {
      return List.of();
    }
    return (List<Map<String, Object>>) body.get("items");
  }

  @GetMapping("/console/companies/{companyId}")
  public String company(@PathVariable("companyId") String companyId) {
    return "redirect:/console/companies/" + UriUtils.encodePathSegment(companyId, "UTF-8") + "/control-center";
  }

  // ---- Configuration

  @GetMapping("/console/companies/{companyId}/configuration")
  public String configuration(@PathVariable("companyId") String companyId, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    common(model, jwt, companyId, "configuration");
    model.addAttribute("company", view(jwt, companyId));
    return "console/configuration";
  }

  @PostMapping("/console/companies/{companyId}/configuration")
  public String saveConfiguration(@PathVariable("companyId") String companyId,
      @RequestParam(name = "accountSid", defaultValue = "") String accountSid,
      @RequestParam(name = "authToken", defaultValue = "") String authToken,
      @RequestParam(name = "rotation", defaultValue = "keep") String rotation,
      @RequestParam(name = "keepMinutes", defaultValue = "60") String keepMinutes, Model model,
      RedirectAttributes redirect) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    Map<String, Object> view = view(jwt, companyId);
    Integer minutes;
    try {
      minutes = "revoke".equals(rotation) ? 0 : Integer.parseInt(keepMinutes.strip());
    } catch (NumberFormatException e) {
      minutes = -1;
    }
    TwilioConfigRequest request = Requests.from(json, view).withCredentials(accountSid.strip(),
        authToken.isBlank() ? null : authToken.strip(), minutes);
    ResponseEntity<?> answer = config.put(jwt, companyId, request);
    if (answer.getStatusCode().is2xxSuccessful()) {
      redirect.addFlashAttribute("saved", authToken.isBlank() ? "Saved." : "Saved: Twilio accepted the credentials.");
      return "redirect:/console/companies/" + path(companyId) + "/configuration";
    }
    common(model, jwt, companyId, "configuration");
    model.addAttribute("company", view);
    model.addAttribute("accountSidValue", accountSid);
    Problems.of(answer).addTo(model);
    model.addAttribute("rotation", rotation);
    model.addAttribute("keepMinutes", keepMinutes);
    return "console/configuration";
  }

  // ---- Control center

  @GetMapping("/console/companies/{companyId}/control-center")
  public String controlCenter(@PathVariable("companyId") String companyId,
      @RequestParam(name = "since", required = false) Long since, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    common(model, jwt, companyId, "control-center");
    model.addAttribute("company", view(jwt, companyId));
    model.addAttribute("modes", MODES);
    model.addAttribute("since", since);
    return "console/control-center";
  }

  @PostMapping("/console/companies/{companyId}/routing")
  public String saveRouting(@PathVariable("companyId") String companyId, @RequestParam Map<String, String> form,
      Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    Map<String, Object> view = view(jwt, companyId);
    TwilioConfigRequest request = Requests.from(json, view).withRouting(form);
    ResponseEntity<?> answer = config.put(jwt, companyId, request);
    if (answer.getStatusCode().is2xxSuccessful()) {
      return "redirect:/console/companies/" + path(companyId) + "/control-center?since=" + System.currentTimeMillis();
    }
    Map<String, Object> shown = new LinkedHashMap<>(view);
    shown.put("callRoutingMode", form.get("callRoutingMode"));
    shown.put("forwardNumber", form.get("forwardNumber"));
    return controlCenterRefused(model, jwt, companyId, shown, answer);
  }

  @PostMapping("/console/companies/{companyId}/numbers")
  public String addNumber(@PathVariable("companyId") String companyId,
      @RequestParam(name = "phoneNumber", defaultValue = "") String phoneNumber,
      @RequestParam(name = "primary", required = false) String primary, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    ResponseEntity<?> answer = config.addNumber(jwt, companyId, new TwilioConfigRequest.PhoneNumberRequest(
        phoneNumber, "active", primary != null));
    if (answer.getStatusCode().is2xxSuccessful()) {
      return "redirect:/console/companies/" + path(companyId) + "/control-center?since=" + System.currentTimeMillis();
    }
    model.addAttribute("newNumber", phoneNumber);
    return controlCenterRefused(model, jwt, companyId, view(jwt, companyId), answer);
  }

  @PostMapping("/console/companies/{companyId}/numbers/change")
  public String changeNumber(@PathVariable("companyId") String companyId, @RequestParam("number") String number,
      @RequestParam("action") String action, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    ResponseEntity<?> answer = switch (action) {
      case "primary" -> config.changeNumber(jwt, companyId, number,
          new TwilioConfigRequest.PhoneNumberRequest(null, null, true));
      case "activate" -> config.changeNumber(jwt, companyId, number,
          new TwilioConfigRequest.PhoneNumberRequest(null, "active", null));
      case "deactivate" -> config.changeNumber(jwt, companyId, number,
          new TwilioConfigRequest.PhoneNumberRequest(null, "inactive", null));
      case "remove" -> config.removeNumber(jwt, companyId, number);
      default -> ResponseEntity.badRequest().body(Map.of("error", "unknown action " + action));
    };
    if (answer.getStatusCode().is2xxSuccessful()) {
      return "redirect:/console/companies/" + path(companyId) + "/control-center?since=" + System.currentTimeMillis();
    }
    return controlCenterRefused(model, jwt, companyId, view(jwt, companyId), answer);
  }

  /** The Control Center again, with what the company API refused next to the fields. */
  private String controlCenterRefused(Model model, Jwt jwt, String companyId, Map<String, Object> company,
      ResponseEntity<?> answer) {
    common(model, jwt, companyId, "control-center");
    model.addAttribute("company", company);
    model.addAttribute("modes", MODES);
    Problems.of(answer).addTo(model);
    return "console/control-center";
  }

  /** How a number being typed will be saved, or why it cannot be. */
  @GetMapping("/console/companies/{companyId}/numbers/preview")
  public String numberPreview(@PathVariable("companyId") String companyId,
      @RequestParam(name = "phoneNumber", defaultValue = "") String phoneNumber, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    model.addAttribute("typed", phoneNumber);
    model.addAttribute("normalised", phoneNumber.isBlank() ? null : phones.toE164(phoneNumber).orElse(null));
    return "console/control-center :: preview";
  }

  /**
   * Whether the company's saved routing is what the resolver routes by: every active number is on
   * {@code tenants.phone-routes} as this company's, with the saved mode, forward number and
   * recording. Polled by the page after a change until it is.
   */
  @GetMapping("/console/companies/{companyId}/live")
  public String live(@PathVariable("companyId") String companyId, @RequestParam("since") long since, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    Map<String, Object> view = view(jwt, companyId);
    List<String> waiting = LiveRoutes.notYetLive(view, routes::get);
    model.addAttribute("companyId", companyId);
    model.addAttribute("since", since);
    model.addAttribute("live", waiting.isEmpty());
    model.addAttribute("waiting", waiting);
    model.addAttribute("elapsedMs", Math.max(0, System.currentTimeMillis() - since));
    return "console/control-center :: live";
  }

  // ---- Explain a number

  @GetMapping("/console/numbers/explain")
  public String explain(@RequestParam(name = "number", required = false) String number,
      @RequestParam(name = "companyId", required = false) String companyId, Model model) {
    Jwt jwt = user();
    String company = companyId != null ? companyId : jwt.getClaimAsString("companyId");
    if (company != null) {
      requireCompany(jwt, company);
    }
    common(model, jwt, company, "explain");
    model.addAttribute("number", number == null ? "" : number);
    if (number != null && !number.isBlank()) {
      ResolverClient.Answer answer = resolver.explain(number.strip(), jwt.getTokenValue());
      model.addAttribute("explanation", answer.body());
      model.addAttribute("problem", answer.problem());
    }
    if (company != null) {
      model.addAttribute("company", view(jwt, company));
    }
    return "console/explain";
  }

  // ---- Calls

  @GetMapping("/console/companies/{companyId}/calls")
  public String calls(@PathVariable("companyId") String companyId, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    common(model, jwt, companyId, "calls");
    model.addAttribute("events", calls.of(companyId));
    return "console/calls";
  }

  @GetMapping("/console/companies/{companyId}/calls/rows")
  public String callRows(@PathVariable("companyId") String companyId, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    model.addAttribute("companyId", companyId);
    model.addAttribute("events", calls.of(companyId));
    return "console/calls :: rows";
  }

  // ---- Health

  @GetMapping("/console/companies/{companyId}/health")
  public String companyHealth(@PathVariable("companyId") String companyId, Model model) {
    Jwt jwt = user();
    requireCompany(jwt, companyId);
    common(model, jwt, companyId, "health");
    model.addAttribute("healths", Optional.ofNullable(health.get(companyId)).map(List::of).orElse(List.of()));
    model.addAttribute("alerts", alerts.of(companyId));
    return "console/health";
  }

  @GetMapping("/console/health")
  public String allHealth(Model model) {
    Jwt jwt = user();
    requireAdmin(jwt);
    common(model, jwt, null, "health");
    List<TenantHealth> all = new ArrayList<>(health.snapshot().values());
    all.sort((a, b) -> {
      int byStatus = Integer.compare(severity(b), severity(a));
      return byStatus != 0 ? byStatus : a.getCompanyId().compareTo(b.getCompanyId());
    });
    model.addAttribute("healths", all);
    List<HealthAlert> recentAlerts = new ArrayList<>();
    all.forEach(h -> recentAlerts.addAll(alerts.of(h.getCompanyId())));
    recentAlerts.sort((a, b) -> b.getRaisedAt().compareTo(a.getRaisedAt()));
    model.addAttribute("alerts", recentAlerts.size() > 100 ? recentAlerts.subList(0, 100) : recentAlerts);
    return "console/health";
  }

  private static int severity(TenantHealth health) {
    return switch (health.getStatus()) {
      case DOWN -> 3;
      case DEGRADED -> 2;
      case NOT_CONFIGURED -> 1;
      default -> 0;
    };
  }

  // ---- Dead letters (admins)

  @GetMapping("/console/dead-letters")
  public String deadLetters(Model model) {
    Jwt jwt = user();
    requireAdmin(jwt);
    common(model, jwt, null, "dead-letters");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : deadLetters.read(DeadLetters.TOPICS.stream().map(Topic::name).toList())) {
      rows.add(deadLetterRow(record));
    }
    java.util.Collections.reverse(rows);
    model.addAttribute("records", rows);
    return "console/dead-letters";
  }

  @GetMapping("/console/dead-letters/{topic}/{partition}/{offset}")
  public String deadLetter(@PathVariable("topic") String topic, @PathVariable("partition") int partition,
      @PathVariable("offset") long offset, Model model) {
    Jwt jwt = user();
    requireAdmin(jwt);
    common(model, jwt, null, "dead-letters");
    ConsumerRecord<String, byte[]> record = findDeadLetter(topic, partition, offset);
    model.addAttribute("record", deadLetterRow(record));
    model.addAttribute("decoded", deadLetters.describe(record));
    return "console/dead-letter";
  }

  @PostMapping("/console/dead-letters/{topic}/{partition}/{offset}/redrive")
  public String redrive(@PathVariable("topic") String topic, @PathVariable("partition") int partition,
      @PathVariable("offset") long offset, @RequestParam(name = "confirm", required = false) String confirm,
      @RequestParam(name = "force", required = false) String force, Model model, RedirectAttributes redirect) {
    Jwt jwt = user();
    requireAdmin(jwt);
    ConsumerRecord<String, byte[]> record = findDeadLetter(topic, partition, offset);
    if (confirm == null) {
      common(model, jwt, null, "dead-letters");
      model.addAttribute("record", deadLetterRow(record));
      model.addAttribute("decoded", deadLetters.describe(record));
      model.addAttribute("error", "Tick the confirmation to send this record back.");
      return "console/dead-letter";
    }
    var metadata = deadLetters.redrive(record, force != null);
    redirect.addFlashAttribute("saved", "Sent " + topic + "-" + partition + "@" + offset + " back to "
        + metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset()
        + (force != null ? " with force: a side effect is performed only if it was not applied (Twilio is asked first"
            + " when its outcome is unknown)." : "."));
    return "redirect:/console/dead-letters";
  }

  private ConsumerRecord<String, byte[]> findDeadLetter(String topic, int partition, long offset) {
    try {
      return deadLetters.find(topic, partition, offset);
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage());
    }
  }

  private static Map<String, Object> deadLetterRow(ConsumerRecord<String, byte[]> record) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("topic", record.topic());
    row.put("partition", record.partition());
    row.put("offset", record.offset());
    row.put("key", record.key());
    row.put("source", DeadLetters.header(record, DeadLetterHeaders.SOURCE_TOPIC) + "-"
        + DeadLetters.header(record, DeadLetterHeaders.SOURCE_PARTITION) + "@"
        + DeadLetters.header(record, DeadLetterHeaders.SOURCE_OFFSET));
    row.put("reason", DeadLetters.header(record, DeadLetterHeaders.REASON));
    row.put("failedAt", DeadLetters.header(record, DeadLetterHeaders.FAILED_AT));
    row.put("sideEffect", record.topic().equals(io.switchboard.schemas.kafka.Topics.SIDE_EFFECTS_DLT.name()));
    return row;
  }

  // ----

  @SuppressWarnings("unchecked")
  private Map<String, Object> view(Jwt jwt, String companyId) {
    ResponseEntity<?> answer = config.get(jwt, companyId);
    if (answer.getStatusCode().value() == 404) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no company " + companyId);
    }
    return (Map<String, Object>) answer.getBody();
  }

  private static String path(String companyId) {
    return UriUtils.encodePathSegment(companyId, "UTF-8");
  }

}
