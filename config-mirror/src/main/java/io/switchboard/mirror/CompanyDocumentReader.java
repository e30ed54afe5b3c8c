package io.switchboard.mirror;

import io.switchboard.domain.routing.BusinessHoursRule;
import io.switchboard.schemas.common.BusinessHours;
import io.switchboard.schemas.common.DatedHours;
import io.switchboard.schemas.common.OpeningHours;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.crypto.TokenDocuments;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.common.EncryptedSecret;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bson.Document;

/**
 * Reads a {@code v2companies} document as production holds it, legacy shapes included, into a
 * {@link CompanyConfig}. Routing fields are read from {@code twilioConfig} first and the document
 * root second. A plaintext {@code authToken} (legacy) is encrypted here, so it never leaves the
 * mirror in the clear. Anything unusable (a number that does not parse, an unknown routing mode)
 * becomes a warning on the config, never an exception.
 */
public final class CompanyDocumentReader {

  private final PhoneNumbers phoneNumbers;
  private final CredentialCipher cipher;

  public CompanyDocumentReader(PhoneNumbers phoneNumbers, CredentialCipher cipher) {
    this.phoneNumbers = phoneNumbers;
    this.cipher = cipher;
  }

  public static String companyId(Object id) {
    return CompanyDocument.id(id);
  }

  public CompanyConfig read(Document document, String sourceVersion) {
    CompanyDocument company = CompanyDocument.of(document);
    String companyId = company.id();
    Document twilio = company.twilio();
    List<String> warnings = new ArrayList<>();
    RoutingSnapshot routing = routing(document, warnings);

    return CompanyConfig.newBuilder()
        .setCompanyId(companyId)
        .setRouting(routing)
        .setAuthToken(authToken(companyId, value(twilio, document, "authToken"), warnings))
        .setPreviousAuthToken(authToken(companyId, value(twilio, document, "previousAuthToken"), warnings))
        .setPreviousAuthTokenValidUntil(value(twilio, document, "previousAuthTokenValidUntil") instanceof Date until
            ? until.toInstant() : null)
        .setPhoneNumbers(company.numbers(phoneNumbers, warnings).stream()
            .map(n -> PhoneNumberEntry.newBuilder().setRaw(n.raw()).setE164(n.e164()).setStatus(n.status())
                .setPrimary(n.primary()).setSource(n.source()).build())
            .toList())
        .setWarnings(warnings)
        .setSourceVersion(sourceVersion)
        .setMirroredAt(Instant.now())
        .build();
  }

  /**
   * The routing part of a company document: what the answering stage needs to build the company's
   * TwiML. Problems become warnings.
   */
  public RoutingSnapshot routing(Document document, List<String> warnings) {
    CompanyDocument company = CompanyDocument.of(document);
    String companyId = company.id();
    Document twilio = company.twilio();
    return RoutingSnapshot.newBuilder()
        .setCompanyId(companyId)
        .setCompanyName(company.name().orElse(null))
        .setAccountSid(string(twilio, document, "accountSid"))
        .setRoutingMode(routingMode(string(twilio, document, "callRoutingMode"), warnings))
        .setForwardNumber(forwardNumber(string(twilio, document, "forwardNumber"), warnings))
        .setRecordingEnabled(Boolean.TRUE.equals(value(twilio, document, "recordingEnabled")))
        .setTranscriptionEnabled(Boolean.TRUE.equals(value(twilio, document, "transcriptionEnabled")))
        .setWhisperMessage(string(twilio, document, "whisperMessage"))
        .setGreeting(string(twilio, document, "voicemailGreeting"))
        .setAiAgentUrl(aiAgent(twilio, document, "websocketUrl"))
        .setVoiceId(aiAgent(twilio, document, "voiceId"))
        .setSmsReply(string(twilio, document, "smsAutoReply"))
        .setSmsHelp(string(twilio, document, "smsHelpText"))
        .setBusinessHours(businessHours(value(twilio, document, "businessHours"), warnings))
        .build();
  }

  private static RoutingMode routingMode(String value, List<String> warnings) {
    if (value == null) {
      warnings.add("callRoutingMode missing; calls go to voicemail");
      return RoutingMode.VOICEMAIL;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "ai-agent" -> RoutingMode.AI_AGENT;
      case "voicemail" -> RoutingMode.VOICEMAIL;
      case "forward" -> RoutingMode.FORWARD;
      default -> {
        warnings.add("callRoutingMode '" + value + "' is unknown; calls go to voicemail");
        yield RoutingMode.VOICEMAIL;
      }
    };
  }

  /**
   * {@code businessHours}: {@code timeZone}, {@code weekly} entries ({@code days}, {@code open},
   * {@code close}), dated {@code exceptions} ({@code date} with {@code closed: true} or its own hours,
   * and a {@code note}), {@code afterHoursMode} and {@code afterHoursForwardNumber}. A schedule whose
   * zone is unknown is ignored (the routing mode applies at all hours); a bad entry is left out;
   * each with a warning.
   */
  private BusinessHours businessHours(Object value, List<String> warnings) {
    if (!(value instanceof Document hours)) {
      if (value != null) {
        warnings.add("businessHours is not a document; ignored");
      }
      return null;
    }
    String zone = hours.get("timeZone") instanceof String z ? z : null;
    try {
      ZoneId.of(zone);
    } catch (RuntimeException e) {
      warnings.add("businessHours.timeZone '" + zone + "' is not a time zone; business hours ignored");
      return null;
    }
    List<OpeningHours> weekly = new ArrayList<>();
    for (Object item : hours.getList("weekly", Object.class, List.of())) {
      Document entry = item instanceof Document d ? d : new Document();
      String open = entry.get("open") instanceof String o ? o : null;
      String close = entry.get("close") instanceof String c ? c : null;
      if (!BusinessHoursRule.validTime(open, false) || !BusinessHoursRule.validTime(close, true)) {
        warnings.add("businessHours.weekly entry " + entry.toJson() + " needs open and close as HH:mm; left out");
        continue;
      }
      for (Object day : entry.getList("days", Object.class, List.of())) {
        try {
          DayOfWeek dayOfWeek = DayOfWeek.valueOf(String.valueOf(day).trim().toUpperCase(Locale.ROOT));
          weekly.add(OpeningHours.newBuilder().setDay(dayOfWeek.name()).setOpen(open).setClose(close).build());
        } catch (IllegalArgumentException e) {
          warnings.add("businessHours.weekly day '" + day + "' is not a day of the week; left out");
        }
      }
    }
    List<DatedHours> exceptions = new ArrayList<>();
    for (Object item : hours.getList("exceptions", Object.class, List.of())) {
      Document entry = item instanceof Document d ? d : new Document();
      String date = entry.get("date") instanceof String d ? d : null;
      try {
        LocalDate.parse(date);
      } catch (RuntimeException e) {
        warnings.add("businessHours.exceptions date '" + date + "' is not yyyy-MM-dd; left out");
        continue;
      }
      DatedHours.Builder day = DatedHours.newBuilder().setDate(date)
          .setNote(entry.get("note") instanceof String n ? n : null);
      if (!Boolean.TRUE.equals(entry.get("closed"))) {
        String open = entry.get("open") instanceof String o ? o : null;
        String close = entry.get("close") instanceof String c ? c : null;
        if (!BusinessHoursRule.validTime(open, false) || !BusinessHoursRule.validTime(close, true)) {
          warnings.add("businessHours.exceptions " + date + " needs closed: true, or open and close as HH:mm; left out");
          continue;
        }
        day.setOpen(open).setClose(close);
      }
      exceptions.add(day.build());
    }
    Object afterHours = hours.get("afterHoursMode");
    RoutingMode afterHoursMode = routingMode(afterHours == null ? null : afterHours.toString(), new ArrayList<>());
    if (afterHours == null) {
      warnings.add("businessHours.afterHoursMode missing; calls after hours go to voicemail");
    }
    return BusinessHours.newBuilder()
        .setTimeZone(zone)
        .setWeekly(weekly)
        .setExceptions(exceptions)
        .setAfterHoursMode(afterHoursMode)
        .setAfterHoursForwardNumber(forwardNumber(hours.get("afterHoursForwardNumber") instanceof String f ? f : null,
            warnings))
        .build();
  }

  private String forwardNumber(String raw, List<String> warnings) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    Optional<String> e164 = phoneNumbers.toE164(raw);
    if (e164.isEmpty()) {
      warnings.add("forwardNumber '" + raw + "' is not a phone number");
    }
    return e164.orElse(null);
  }

  private EncryptedSecret authToken(String companyId, Object value, List<String> warnings) {
    if (value instanceof String plaintext && !plaintext.isBlank()) {
      return cipher.encrypt(companyId, new Secret(plaintext));
    }
    EncryptedSecret encrypted = TokenDocuments.encrypted(value);
    if (encrypted != null) {
      return encrypted;
    }
    if (value != null) {
      warnings.add("authToken has an unreadable format");
    }
    return null;
  }

  private static String aiAgent(Document twilio, Document root, String field) {
    Object agent = value(twilio, root, "aiAgent");
    return agent instanceof Document d && d.get(field) instanceof String s ? s : null;
  }

  private static Object value(Document twilio, Document root, String field) {
    return CompanyDocument.of(root).field(field);
  }

  private static String string(Document twilio, Document root, String field) {
    Object value = value(twilio, root, field);
    return value == null ? null : value.toString();
  }
}
