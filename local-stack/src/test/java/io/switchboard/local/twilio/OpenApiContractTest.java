package io.switchboard.local.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenApiContractTest {

  private static final String ACCOUNT = "AC" + "a".repeat(32);
  private static OpenApiContract contract;

  @BeforeAll
  static void load() {
    contract = OpenApiContract.twilioV2010();
  }

  @Test
  void shouldAcceptADocumentedCallUpdate() {
    List<OpenApiContract.Match> matched = new ArrayList<>();

    List<String> problems = contract.check("POST", "/2010-04-01/Accounts/" + ACCOUNT + "/Calls/CA123.json",
        Map.of("Twiml", List.of("<Response/>")), matched);

    assertThat(problems).isEmpty();
    assertThat(matched).singleElement().satisfies(m -> {
      assertThat(m.template()).isEqualTo("/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json");
      assertThat(m.pathParams()).containsEntry("AccountSid", ACCOUNT).containsEntry("Sid", "CA123");
    });
  }

  @Test
  void shouldReportAMessageWithoutItsRequiredRecipient() {
    List<String> problems = contract.check("POST", "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json",
        Map.of("Body", List.of("hi"), "From", List.of("+15551230001")), new ArrayList<>());

    assertThat(problems).containsExactly(
        "required form field To missing for POST /2010-04-01/Accounts/{AccountSid}/Messages.json");
  }

  @Test
  void shouldReportAnUndocumentedFieldPathAndMethod() {
    assertThat(contract.check("POST", "/2010-04-01/Accounts/" + ACCOUNT + "/Calls/CA1.json",
        Map.of("Tw1ml", List.of("x")), new ArrayList<>())).singleElement().asString().contains("Tw1ml");
    assertThat(contract.check("GET", "/2010-04-01/Nowhere.json", Map.of(), new ArrayList<>()))
        .containsExactly("no documented path matches /2010-04-01/Nowhere.json");
    assertThat(contract.check("PUT", "/2010-04-01/Accounts/" + ACCOUNT + ".json", Map.of(), new ArrayList<>()))
        .containsExactly("PUT is not documented for /2010-04-01/Accounts/{Sid}.json");
  }
}
