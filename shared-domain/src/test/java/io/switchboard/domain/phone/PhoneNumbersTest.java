package io.switchboard.domain.phone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

  private final PhoneNumbers us = new PhoneNumbers("US");

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "+15551234567     | +15551234567",
      "+1-555-123-4567  | +15551234567",
      "(555) 123-4567   | +15551234567",
      "555.123.4567     | +15551234567",
      "1 555 123 4567   | +15551234567",
      "' +1 555 123 4567 ' | +15551234567",
      "+44 20 7946 0958 | +442079460958"})
  void shouldNormaliseEveryWrittenFormOfANumberToOneE164Key(String raw, String e164) {
    assertThat(us.toE164(raw)).contains(e164);
    assertThat(us.classify(raw)).isEqualTo(new TenantAddress.PhoneNumber(raw, e164));
  }

  @Test
  void shouldReadNationalNumbersInTheConfiguredDefaultRegion() {
    assertThat(new PhoneNumbers("GB").toE164("020 7946 0958")).contains("+442079460958");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "123", "+1555", "555-1234-5678-9999-0000"})
  void shouldReportWhatIsNotAPossibleNumber(String raw) {
    assertThat(us.toE164(raw)).isEmpty();
    assertThat(us.classify(raw)).isInstanceOf(TenantAddress.Unparseable.class);
  }

  @Test
  void shouldClassifyTwilioClientIdentitiesExplicitly() {
    assertThat(us.classify("client:alice")).isEqualTo(new TenantAddress.ClientIdentity("client:alice", "alice"));
  }

  @Test
  void shouldClassifySipUrisExplicitly() {
    assertThat(us.classify("sip:alice@example.sip.twilio.com"))
        .isEqualTo(new TenantAddress.SipUri("sip:alice@example.sip.twilio.com"));
  }

  @Test
  void shouldTreatAnEmptyAddressAsUnparseable() {
    assertThat(us.classify("  ")).isInstanceOf(TenantAddress.Unparseable.class);
    assertThat(us.classify(null)).isInstanceOf(TenantAddress.Unparseable.class);
  }

  @Test
  void shouldRefuseAnUnknownDefaultRegion() {
    assertThatThrownBy(() -> new PhoneNumbers("XX")).hasMessageContaining("XX");
  }
}
