package io.switchboard.domain.companies;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.NumberStatus;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** One reading of a v2companies document for every part of Switchboard. */
class CompanyDocumentTest {

  private final PhoneNumbers phones = new PhoneNumbers("US");

  @Test
  void shouldReadEntriesStringsAndTheLegacyNumberWithTheirStatusAndPrimary() {
    Document doc = new Document("_id", new ObjectId("6b0ee0d698fc4fb061f55d24")).append("companyName", "Acme")
        .append(CompanyDocument.TWILIO, new Document("phoneNumbers", List.of(
            CompanyDocument.numberEntry("+15551230001", "inactive", false),
            new Document("phoneNumber", "(555) 123-0002").append("isPrimary", true),
            "+15551230003",
            new Document("phoneNumber", "+15551230003").append("status", "active"),
            new Document("phoneNumber", "not a number")))
            .append("phoneNumber", "+1-555-123-0004"));
    List<String> warnings = new ArrayList<>();

    List<CompanyDocument.Number> numbers = CompanyDocument.of(doc).numbers(phones, warnings);

    assertThat(numbers).extracting(CompanyDocument.Number::e164)
        .containsExactly("+15551230001", "+15551230002", "+15551230003", null, "+15551230004");
    assertThat(numbers.get(0).status()).isEqualTo(NumberStatus.INACTIVE);
    assertThat(numbers.get(1).primary()).isTrue();
    assertThat(numbers.get(4).source()).isEqualTo(NumberSource.LEGACY_PHONE_NUMBER);
    assertThat(numbers.get(4).primary()).as("a legacy number is primary only when no entry is").isFalse();
    assertThat(warnings).anyMatch(w -> w.contains("listed twice")).anyMatch(w -> w.contains("not a phone number"));
    assertThat(CompanyDocument.of(doc).activeNumbers(phones))
        .containsExactly("+15551230002", "+15551230003", "+15551230004");
    assertThat(CompanyDocument.of(doc).id()).isEqualTo("6b0ee0d698fc4fb061f55d24");
    assertThat(CompanyDocument.of(doc).name()).hasValue("Acme");
  }

  @Test
  void shouldReadFieldsAtTheRootOfALegacyDocument() {
    Document legacy = new Document("_id", "acme").append("callRoutingMode", "forward")
        .append("phoneNumber", "+15551230009");

    CompanyDocument company = CompanyDocument.of(legacy);

    assertThat(company.string("callRoutingMode")).hasValue("forward");
    assertThat(company.activeNumbers(phones)).containsExactly("+15551230009");
    assertThat(company.numbers(phones, new ArrayList<>()).get(0).primary()).isTrue();
  }
}
