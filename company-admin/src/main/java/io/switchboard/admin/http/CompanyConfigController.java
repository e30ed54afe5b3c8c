package io.switchboard.admin.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.switchboard.admin.mongo.CompanyStore;
import io.switchboard.admin.twilio.CredentialVerifier;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.companies.CompanyVersion;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.phone.PhoneNumbers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A company's Twilio configuration: read with the token masked; replaced only after validation, a
 * check of the credentials with Twilio, and a check that no other company holds its numbers; and
 * its numbers added, deactivated, made primary and removed one at a time.
 */
@RestController
public class CompanyConfigController {

  private final CompanyStore store;
  private final CredentialVerifier verifier;
  private final PhoneNumbers phones;
  private final TwilioConfigDocuments documents;

  public CompanyConfigController(CompanyStore store, CredentialVerifier verifier, PhoneNumbers phones,
      TwilioConfigDocuments documents) {
    this.store = store;
    this.verifier = verifier;
    this.phones = phones;
    this.documents = documents;
  }

  @Operation(summary = "Read a company's Twilio configuration", description = "The Auth Token is shown masked (****1234), never whole.")
  @GetMapping("/api/companies/{companyId}/twilio/config")
  public ResponseEntity<?> get(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId) {
    CompanyAccess.require(jwt, companyId);
    return store.find(companyId)
        .<ResponseEntity<?>>map(company -> ResponseEntity.ok(documents.view(companyId, company)))
        .orElseGet(() -> notFound(companyId));
  }

  @Operation(summary = "Replace a company's Twilio configuration", description = "New credentials are checked with Twilio before anything is stored (encrypted); numbers another company holds are refused (409); a write based on an older read is refused (409). Numbers become active once the company's Twilio account is seen to hold them, else they are listed under pendingNumbers.")
  @PutMapping("/api/companies/{companyId}/twilio/config")
  public ResponseEntity<?> put(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples = @ExampleObject(value = """
          {"accountSid": "AC0123456789abcdef0123456789abcdef", "authToken": "0123456789abcdef0123456789abcdef",
           "callRoutingMode": "forward", "forwardNumber": "+15559876543", "recordingEnabled": true,
           "previousTokenValidMinutes": 60,
           "phoneNumbers": [{"phoneNumber": "+15551230001", "status": "active", "isPrimary": true}]}""")))
      @RequestBody TwilioConfigRequest request) {
    CompanyAccess.require(jwt, companyId);
    Optional<Document> company = store.find(companyId);
    if (company.isEmpty()) {
      return notFound(companyId);
    }
    List<FieldError> errors = request.validate(phones);
    if (!errors.isEmpty()) {
      return ResponseEntity.badRequest().body(Map.of("errors", errors));
    }
    Document previous = company.get().get("twilioConfig") instanceof Document d ? d : new Document();
    Secret token = request.authToken() != null ? new Secret(request.authToken()) : documents.storedToken(companyId, previous);
    if (token == null) {
      return ResponseEntity.badRequest().body(Map.of("errors",
          List.of(new FieldError("authToken", "is required: the company has none stored"))));
    }
    boolean credentialsChanged = request.authToken() != null
        || !request.accountSid().equals(previous.getString("accountSid"));
    if (credentialsChanged) {
      ResponseEntity<?> refused = verify(companyId, request.accountSid(), token);
      if (refused != null) {
        return refused;
      }
    }
    List<String> numbers = new ArrayList<>();
    if (request.phoneNumbers() != null) {
      request.phoneNumbers().forEach(n -> numbers.add(phones.toE164(n.phoneNumber()).orElseThrow()));
    }
    ResponseEntity<?> conflict = conflict(jwt, companyId, numbers);
    if (conflict != null) {
      return conflict;
    }
    return save(jwt, companyId, documents.toDocument(companyId, request, token, previous), previous,
        CompanyVersion.of(company.get()));
  }

  @Operation(summary = "Add a number to a company")
  @PostMapping("/api/companies/{companyId}/twilio/phone-numbers")
  public ResponseEntity<?> addNumber(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId,
      @RequestBody TwilioConfigRequest.PhoneNumberRequest number) {
    CompanyAccess.require(jwt, companyId);
    Optional<String> e164 = number == null ? Optional.empty() : phones.toE164(number.phoneNumber());
    if (e164.isEmpty()) {
      return ResponseEntity.badRequest().body(Map.of("errors", List.of(new FieldError("phoneNumber", "is not a phone number"))));
    }
    if (number.status() != null && !TwilioConfigRequest.STATUSES.contains(number.status())) {
      return ResponseEntity.badRequest().body(Map.of("errors", List.of(new FieldError("status", "must be active or inactive"))));
    }
    return updateNumbers(jwt, companyId, numbers -> {
      if (numbers.stream().anyMatch(d -> e164.get().equals(d.get("phoneNumber")))) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e164.get() + " is already this company's"));
      }
      ResponseEntity<?> conflict = conflict(jwt, companyId, List.of(e164.get()));
      if (conflict != null) {
        return conflict;
      }
      if (Boolean.TRUE.equals(number.isPrimary())) {
        numbers.forEach(d -> d.put("isPrimary", false));
      }
      numbers.add(new Document("phoneNumber", e164.get()).append("status", number.status() == null ? "active"
          : number.status()).append("isPrimary", Boolean.TRUE.equals(number.isPrimary())));
      return null;
    });
  }

  @Operation(summary = "Change a number's status or make it primary")
  @PatchMapping("/api/companies/{companyId}/twilio/phone-numbers/{number}")
  public ResponseEntity<?> changeNumber(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId,
      @PathVariable("number") String number, @RequestBody TwilioConfigRequest.PhoneNumberRequest change) {
    CompanyAccess.require(jwt, companyId);
    if (change.status() != null && !TwilioConfigRequest.STATUSES.contains(change.status())) {
      return ResponseEntity.badRequest().body(Map.of("errors", List.of(new FieldError("status", "must be active or inactive"))));
    }
    String e164 = phones.toE164(number).orElse(number);
    return updateNumbers(jwt, companyId, numbers -> {
      Optional<Document> entry = numbers.stream().filter(d -> e164.equals(d.get("phoneNumber"))).findFirst();
      if (entry.isEmpty()) {
        return notFoundNumber(e164);
      }
      if (change.status() != null) {
        entry.get().put("status", change.status());
      }
      if (Boolean.TRUE.equals(change.isPrimary())) {
        numbers.forEach(d -> d.put("isPrimary", d == entry.get()));
      }
      return null;
    });
  }

  @Operation(summary = "Remove a number from a company")
  @DeleteMapping("/api/companies/{companyId}/twilio/phone-numbers/{number}")
  public ResponseEntity<?> removeNumber(@AuthenticationPrincipal Jwt jwt, @PathVariable("companyId") String companyId,
      @PathVariable("number") String number) {
    CompanyAccess.require(jwt, companyId);
    String e164 = phones.toE164(number).orElse(number);
    return updateNumbers(jwt, companyId, numbers -> numbers.removeIf(d -> e164.equals(d.get("phoneNumber")))
        ? null : notFoundNumber(e164));
  }

  private interface NumbersChange {
    /** Changes the list in place; returns an answer to stop with, or null to save. */
    ResponseEntity<?> apply(List<Document> numbers);
  }

  private ResponseEntity<?> updateNumbers(Jwt jwt, String companyId, NumbersChange change) {
    Optional<Document> company = store.find(companyId);
    if (company.isEmpty()) {
      return notFound(companyId);
    }
    Document twilio = new Document(CompanyDocument.of(company.get()).twilio());
    List<Document> numbers = new ArrayList<>(documents.storedNumbers(company.get()));
    ResponseEntity<?> stop = change.apply(numbers);
    if (stop != null) {
      return stop;
    }
    Document before = new Document(twilio);
    twilio.put("phoneNumbers", numbers);
    return save(jwt, companyId, twilio, before, CompanyVersion.of(company.get()));
  }

  private ResponseEntity<?> save(Jwt jwt, String companyId, Document twilio, Document previous, long readVersion) {
    holdUnownedClaims(companyId, twilio, previous);
    try {
      store.saveTwilioConfig(companyId, twilio, readVersion);
    } catch (CompanyStore.DuplicateNumberException | CompanyStore.ConcurrentChangeException e) {
      return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
    }
    return ResponseEntity.ok(documents.view(companyId, store.find(companyId).orElseThrow()));
  }

  /**
   * A number becomes an active claim only once the company's own Twilio account is seen to hold it
   * (its IncomingPhoneNumbers): otherwise anyone could claim, and divert, another company's number.
   * A number newly set active that the account does not hold, or that could not be checked, is kept
   * aside in {@code pendingNumbers} with the reason, and claims nothing until it is set active again.
   */
  private void holdUnownedClaims(String companyId, Document twilio, Document previous) {
    Set<String> activeBefore = activeNumbers(previous);
    String accountSid = twilio.getString("accountSid");
    Secret token = documents.storedToken(companyId, twilio);
    List<Document> claims = new ArrayList<>();
    List<Document> pending = new ArrayList<>();
    for (Document number : twilio.getList("phoneNumbers", Document.class, List.of())) {
      String e164 = number.getString("phoneNumber");
      boolean active = !"inactive".equals(number.getString("status"));
      if (!active || activeBefore.contains(e164)) {
        claims.add(number);
        continue;
      }
      CredentialVerifier.Ownership ownership = accountSid == null || token == null
          ? CredentialVerifier.Ownership.UNKNOWN : verifier.owns(companyId, accountSid, token, e164);
      if (ownership == CredentialVerifier.Ownership.OWNED) {
        claims.add(number);
      } else {
        pending.add(new Document("phoneNumber", e164).append("reason", ownership == CredentialVerifier.Ownership.NOT_OWNED
            ? "not a number of Twilio account " + accountSid + "; add it to that account, then set it active again"
            : "Twilio could not confirm the account holds it; set it active again to retry"));
      }
    }
    for (Document held : previous.getList("pendingNumbers", Document.class, List.of())) {
      boolean decided = claims.stream().anyMatch(c -> c.get("phoneNumber").equals(held.get("phoneNumber")))
          || pending.stream().anyMatch(p -> p.get("phoneNumber").equals(held.get("phoneNumber")));
      if (!decided) {
        pending.add(held);
      }
    }
    twilio.put("phoneNumbers", claims);
    twilio.put("pendingNumbers", pending);
  }

  private Set<String> activeNumbers(Document twilio) {
    return new HashSet<>(CompanyDocument.of(new Document(CompanyDocument.TWILIO, twilio)).activeNumbers(phones));
  }

  private ResponseEntity<?> verify(String companyId, String accountSid, Secret token) {
    return switch (verifier.verify(companyId, accountSid, token)) {
      case ACCEPTED -> null;
      case REJECTED -> ResponseEntity.unprocessableContent().body(Map.of("errors",
          List.of(new FieldError("authToken", "Twilio rejected these credentials; nothing was stored"))));
      case ACCOUNT_NOT_ACTIVE -> ResponseEntity.unprocessableContent().body(Map.of("errors",
          List.of(new FieldError("accountSid", "the Twilio account is not active; nothing was stored"))));
      case UNREACHABLE -> ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error",
          "Twilio could not be reached to check the credentials; nothing was stored"));
    };
  }

  /** 409 when another company holds one of the numbers; its id is shown to admins only. */
  private ResponseEntity<?> conflict(Jwt jwt, String companyId, List<String> numbers) {
    return store.ownerOfAny(companyId, numbers).<ResponseEntity<?>>map(owner -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", owner.number() + " is already assigned to another company");
      body.put("phoneNumber", owner.number());
      if (CompanyAccess.isAdmin(jwt)) {
        body.put("conflictingCompanyId", owner.companyId());
      }
      return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
    }).orElse(null);
  }

  private static ResponseEntity<?> notFound(String companyId) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no company " + companyId));
  }

  private static ResponseEntity<?> notFoundNumber(String number) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", number + " is not one of this company's numbers"));
  }
}
