package io.switchboard.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class CompanyDocumentReaderTest {

  private static final String TOKEN = "f00dfeedf00dfeedf00dfeedf00dfeed";
  private final CredentialCipher cipher = CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson());
  private final CompanyDocumentReader reader = new CompanyDocumentReader(new PhoneNumbers("US"), cipher);
  private final ObjectId id = new ObjectId();

  @Test
  void shouldReadACurrentDocumentWithItsNumbersAndRoutingMode() {
    Document twilio = new Document("accountSid", "AC" + "1".repeat(32))
        .append("authToken", TOKEN)
        .append("phoneNumbers", List.of(
            new Document("phoneNumber", "+15551230001").append("status", "active").append("isPrimary", true),
            new Document("phoneNumber", "+15551230002").append("status", "inactive").append("isPrimary", false)))
        .append("callRoutingMode", "forward")
        .append("forwardNumber", "(555) 987-6543")
        .append("recordingEnabled", true)
        .append("whisperMessage", "Call for Acme");

    CompanyConfig config = reader.read(new Document("_id", id).append("companyName", "Acme").append("twilioConfig", twilio),
        "snapshot");

    assertThat(config.getCompanyId()).isEqualTo(id.toHexString());
    assertThat(config.getRouting().getCompanyName()).isEqualTo("Acme");
    assertThat(config.getRouting().getRoutingMode()).isEqualTo(RoutingMode.FORWARD);
    assertThat(config.getRouting().getForwardNumber()).isEqualTo("+15559876543");
    assertThat(config.getRouting().getRecordingEnabled()).isTrue();
    assertThat(config.getRouting().getWhisperMessage()).isEqualTo("Call for Acme");
    assertThat(config.getPhoneNumbers()).extracting(PhoneNumberEntry::getE164, PhoneNumberEntry::getStatus,
            PhoneNumberEntry::getPrimary, PhoneNumberEntry::getSource)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("+15551230001", NumberStatus.ACTIVE, true, NumberSource.PHONE_NUMBERS),
            org.assertj.core.groups.Tuple.tuple("+15551230002", NumberStatus.INACTIVE, false, NumberSource.PHONE_NUMBERS));
    assertThat(config.getWarnings()).isEmpty();
  }

  @Test
  void shouldEncryptALegacyPlaintextTokenForThisCompanyOnly() {
    Document doc = new Document("_id", id).append("twilioConfig",
        new Document("accountSid", "AC" + "1".repeat(32)).append("authToken", TOKEN).append("callRoutingMode", "voicemail"));

    CompanyConfig config = reader.read(doc, "snapshot");

    assertThat(config.getAuthToken()).isNotNull();
    assertThat(config.toString()).doesNotContain(TOKEN);
    assertThat(cipher.decrypt(id.toHexString(), config.getAuthToken()).reveal()).isEqualTo(TOKEN);
  }

  @Test
  void shouldRouteTheLegacyPhoneNumberWrittenWithDashesAsPrimaryWhenItIsTheOnlyNumber() {
    Document doc = new Document("_id", id).append("twilioConfig",
        new Document("phoneNumber", "+1-555-123-4567").append("callRoutingMode", "ai-agent"));

    CompanyConfig config = reader.read(doc, "snapshot");

    assertThat(config.getPhoneNumbers()).singleElement().satisfies(entry -> {
      assertThat(entry.getRaw()).isEqualTo("+1-555-123-4567");
      assertThat(entry.getE164()).isEqualTo("+15551234567");
      assertThat(entry.getSource()).isEqualTo(NumberSource.LEGACY_PHONE_NUMBER);
      assertThat(entry.getPrimary()).isTrue();
      assertThat(entry.getStatus()).isEqualTo(NumberStatus.ACTIVE);
    });
    assertThat(config.getAuthToken()).isNull();
  }

  @Test
  void shouldNotListTheLegacyNumberTwiceWhenPhoneNumbersAlreadyHasIt() {
    Document doc = new Document("_id", id).append("twilioConfig", new Document("phoneNumber", "(555) 123-4567")
        .append("phoneNumbers", List.of(new Document("phoneNumber", "+15551234567").append("status", "active")))
        .append("callRoutingMode", "voicemail"));

    CompanyConfig config = reader.read(doc, "snapshot");

    assertThat(config.getPhoneNumbers()).extracting(PhoneNumberEntry::getSource)
        .containsExactly(NumberSource.PHONE_NUMBERS);
  }

  @Test
  void shouldWarnAboutANumberThatDoesNotParseAndNeverRouteIt() {
    Document doc = new Document("_id", id).append("twilioConfig", new Document("callRoutingMode", "forward")
        .append("phoneNumbers", List.of(new Document("phoneNumber", "call me maybe").append("status", "active"))));

    CompanyConfig config = reader.read(doc, "snapshot");

    assertThat(config.getPhoneNumbers()).singleElement().satisfies(entry -> assertThat(entry.getE164()).isNull());
    assertThat(config.getWarnings()).anyMatch(w -> w.contains("call me maybe"));
  }

  @Test
  void shouldFallBackToVoicemailWithAWarningWhenTheModeIsMissingOrUnknown() {
    CompanyConfig missing = reader.read(new Document("_id", id), "snapshot");
    CompanyConfig unknown = reader.read(new Document("_id", id).append("callRoutingMode", "carrier-pigeon"), "snapshot");

    assertThat(missing.getRouting().getRoutingMode()).isEqualTo(RoutingMode.VOICEMAIL);
    assertThat(missing.getWarnings()).anyMatch(w -> w.contains("callRoutingMode missing"));
    assertThat(unknown.getRouting().getRoutingMode()).isEqualTo(RoutingMode.VOICEMAIL);
    assertThat(unknown.getWarnings()).anyMatch(w -> w.contains("carrier-pigeon"));
  }

  @Test
  void shouldReadRoutingFieldsKeptAtTheDocumentRoot() {
    Document doc = new Document("_id", "company-7").append("callRoutingMode", "forward")
        .append("forwardNumber", "+15559876543").append("twilioConfig", new Document("phoneNumber", "+15551234567"));

    CompanyConfig config = reader.read(doc, "snapshot");

    assertThat(config.getCompanyId()).isEqualTo("company-7");
    assertThat(config.getRouting().getRoutingMode()).isEqualTo(RoutingMode.FORWARD);
    assertThat(config.getRouting().getForwardNumber()).isEqualTo("+15559876543");
  }
}
