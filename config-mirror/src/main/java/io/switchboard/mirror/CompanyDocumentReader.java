package io.switchboard.mirror;

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

    RoutingSnapshot routing = RoutingSnapshot.newBuilder()
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
        .build();

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
