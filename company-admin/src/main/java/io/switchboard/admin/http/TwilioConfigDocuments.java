package io.switchboard.admin.http;

import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.crypto.TokenDocuments;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.common.NumberSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;

/**
 * Between the API's JSON and the {@code twilioConfig} sub-document: tokens are written encrypted
 * (and read from either the encrypted or the legacy plaintext form), numbers in E.164, and the
 * token is only ever shown masked.
 */
public final class TwilioConfigDocuments {

  private final CredentialCipher cipher;
  private final PhoneNumbers phones;
  private final Clock clock;

  /** How long a replaced token stays valid when the update does not say. */
  static final Duration DEFAULT_PREVIOUS_TOKEN_VALIDITY = Duration.ofHours(1);

  public TwilioConfigDocuments(CredentialCipher cipher, PhoneNumbers phones, Clock clock) {
    this.clock = clock;
    this.cipher = cipher;
    this.phones = phones;
  }

  /** The stored token of the company, decrypted, if any. */
  Secret storedToken(String companyId, Document twilio) {
    return twilio == null ? null : TokenDocuments.read(companyId, twilio.get("authToken"), cipher);
  }

  Document encryptedToken(String companyId, Secret token) {
    return TokenDocuments.toDocument(cipher.encrypt(companyId, token));
  }

  /**
   * The stored form of an update. When it replaces the token, the replaced one is kept (encrypted)
   * with the time until which webhooks signed with it are still accepted, as the update says: zero
   * revokes it at once. Otherwise a previous token still valid is carried over unchanged.
   */
  Document toDocument(String companyId, TwilioConfigRequest request, Secret token, Document previous) {
    Document twilio = new Document("accountSid", request.accountSid())
        .append("authToken", token == null ? null : encryptedToken(companyId, token))
        .append("phoneNumbers", numbers(request.phoneNumbers()))
        .append("callRoutingMode", request.callRoutingMode())
        .append("forwardNumber", request.forwardNumber() == null ? null
            : phones.toE164(request.forwardNumber()).orElse(null))
        .append("recordingEnabled", Boolean.TRUE.equals(request.recordingEnabled()))
        .append("transcriptionEnabled", Boolean.TRUE.equals(request.transcriptionEnabled()))
        .append("whisperMessage", request.whisperMessage())
        .append("voicemailGreeting", request.voicemailGreeting())
        .append("smsAutoReply", request.smsAutoReply());
    keepReplacedToken(companyId, request, token, previous, twilio);
    if (request.aiAgent() != null) {
      twilio.append("aiAgent", new Document("websocketUrl", request.aiAgent().websocketUrl())
          .append("voiceId", request.aiAgent().voiceId()).append("greeting", request.aiAgent().greeting()));
    }
    if (request.businessHours() != null) {
      twilio.append("businessHours", businessHours(request.businessHours()));
    }
    return twilio;
  }

  /** The stored form of business hours, as the mirror reads them (see docs/companies.md). */
  private Document businessHours(TwilioConfigRequest.BusinessHoursRequest hours) {
    List<Document> weekly = new ArrayList<>();
    for (TwilioConfigRequest.WeeklyHours entry : hours.weekly() == null ? List.<TwilioConfigRequest.WeeklyHours>of()
        : hours.weekly()) {
      weekly.add(new Document("days", entry.days().stream().map(d -> d.toLowerCase(Locale.ROOT)).toList())
          .append("open", entry.open()).append("close", entry.close()));
    }
    List<Document> exceptions = new ArrayList<>();
    for (TwilioConfigRequest.DatedHours entry : hours.exceptions() == null ? List.<TwilioConfigRequest.DatedHours>of()
        : hours.exceptions()) {
      Document day = new Document("date", entry.date());
      if (Boolean.TRUE.equals(entry.closed())) {
        day.append("closed", true);
      } else {
        day.append("open", entry.open()).append("close", entry.close());
      }
      exceptions.add(day.append("note", entry.note()));
    }
    return new Document("timeZone", hours.timeZone()).append("weekly", weekly).append("exceptions", exceptions)
        .append("afterHoursMode", hours.afterHoursMode())
        .append("afterHoursForwardNumber", hours.afterHoursForwardNumber() == null ? null
            : phones.toE164(hours.afterHoursForwardNumber()).orElse(null));
  }

  private void keepReplacedToken(String companyId, TwilioConfigRequest request, Secret token, Document previous,
      Document twilio) {
    Secret stored;
    try {
      stored = storedToken(companyId, previous);
    } catch (RuntimeException e) {
      stored = null;
    }
    if (stored != null && token != null && !stored.matches(token)) {
      Duration validity = request.previousTokenValidMinutes() == null ? DEFAULT_PREVIOUS_TOKEN_VALIDITY
          : Duration.ofMinutes(request.previousTokenValidMinutes());
      if (!validity.isZero()) {
        twilio.append("previousAuthToken", encryptedToken(companyId, stored))
            .append("previousAuthTokenValidUntil", Date.from(clock.instant().plus(validity)));
      }
    } else if (previous.get("previousAuthToken") != null
        && previous.get("previousAuthTokenValidUntil") instanceof Date until && until.toInstant().isAfter(clock.instant())) {
      twilio.append("previousAuthToken", previous.get("previousAuthToken")).append("previousAuthTokenValidUntil", until);
    }
  }

  List<Document> numbers(List<TwilioConfigRequest.PhoneNumberRequest> requested) {
    List<Document> numbers = new ArrayList<>();
    if (requested != null) {
      for (TwilioConfigRequest.PhoneNumberRequest number : requested) {
        numbers.add(CompanyDocument.numberEntry(phones.toE164(number.phoneNumber()).orElseThrow(),
            number.status() == null ? "active" : number.status(), Boolean.TRUE.equals(number.isPrimary())));
      }
    }
    return numbers;
  }

  /**
   * The entries of {@code phoneNumbers[]} as Switchboard writes them, whatever shape they were stored
   * in (plain strings, formatted numbers): read by the one codec of company documents.
   */
  List<Document> storedNumbers(Document company) {
    return CompanyDocument.of(company).numbers(phones, new ArrayList<>()).stream()
        .filter(n -> n.source() == NumberSource.PHONE_NUMBERS)
        .map(n -> CompanyDocument.numberEntry(n.e164() != null ? n.e164() : n.raw(),
            n.status().name().toLowerCase(Locale.ROOT), n.primary()))
        .toList();
  }

  /** The company's configuration as the API shows it: the token masked, never whole. */
  Map<String, Object> view(String companyId, Document company) {
    Document twilio = company.get("twilioConfig") instanceof Document d ? d : new Document();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("companyId", companyId);
    view.put("companyName", company.get("companyName"));
    view.put("accountSid", twilio.get("accountSid"));
    Secret token;
    try {
      token = storedToken(companyId, twilio);
    } catch (RuntimeException e) {
      token = null;
      view.put("authTokenProblem", "the stored token cannot be decrypted with the current keyset");
    }
    view.put("authToken", token == null ? null : token.masked());
    view.put("authTokenEncrypted", twilio.get("authToken") instanceof Document);
    List<Map<String, Object>> numbers = new ArrayList<>();
    for (Document number : storedNumbers(company)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("phoneNumber", number.get("phoneNumber"));
      entry.put("status", number.get("status"));
      entry.put("isPrimary", Boolean.TRUE.equals(number.get("isPrimary")));
      numbers.add(entry);
    }
    view.put("phoneNumbers", numbers);
    view.put("legacyPhoneNumber", CompanyDocument.of(company).string(CompanyDocument.LEGACY_PHONE_NUMBER).orElse(null));
    view.put("pendingNumbers", twilio.getList("pendingNumbers", Document.class, List.of()).stream()
        .map(p -> Map.of("phoneNumber", p.get("phoneNumber"), "reason", p.get("reason"))).toList());
    for (String field : List.of("callRoutingMode", "forwardNumber", "recordingEnabled", "transcriptionEnabled",
        "whisperMessage", "voicemailGreeting", "smsAutoReply", "aiAgent", "businessHours")) {
      view.put(field, twilio.get(field));
    }
    return view;
  }
}
