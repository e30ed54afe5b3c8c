package io.switchboard.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.admin.http.TwilioConfigRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A console form changes one part of the configuration; the API replaces all of it: nothing else may be lost. */
class RequestsTest {

  private final ObjectMapper json = new ObjectMapper();

  private Map<String, Object> stored() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("companyId", "acme");
    view.put("accountSid", "AC" + "a".repeat(32));
    view.put("authToken", "****abcd");
    view.put("phoneNumbers", List.of(Map.of("phoneNumber", "+15551230001", "status", "active", "isPrimary", true)));
    view.put("pendingNumbers", List.of(Map.of("phoneNumber", "+15551230009", "reason", "not in the account")));
    view.put("legacyPhoneNumber", "+15551234567");
    view.put("callRoutingMode", "voicemail");
    view.put("recordingEnabled", true);
    view.put("voicemailGreeting", "Leave a message");
    view.put("aiAgent", Map.of("websocketUrl", "wss://agent.example.com/a", "voiceId", "v1", "greeting", "Hi"));
    view.put("businessHours", Map.of("timeZone", "America/New_York", "weekly",
        List.of(Map.of("days", List.of("monday"), "open", "09:00", "close", "17:00")), "exceptions", List.of(),
        "afterHoursMode", "voicemail"));
    return view;
  }

  @Test
  void shouldChangeOnlyTheRoutingAndKeepTheTokenNumbersAgentAndHours() {
    TwilioConfigRequest request = Requests.from(json, stored()).withRouting(Map.of("callRoutingMode", "forward",
        "forwardNumber", " +15559876543 ", "aiAgentUrl", "wss://agent.example.com/a"));

    assertThat(request.callRoutingMode()).isEqualTo("forward");
    assertThat(request.forwardNumber()).isEqualTo("+15559876543");
    assertThat(request.recordingEnabled()).isFalse();
    assertThat(request.authToken()).isNull();
    assertThat(request.accountSid()).isEqualTo("AC" + "a".repeat(32));
    assertThat(request.phoneNumbers()).extracting(TwilioConfigRequest.PhoneNumberRequest::phoneNumber)
        .containsExactly("+15551230001", "+15551230009", "+15551234567");
    assertThat(request.phoneNumbers().get(0).isPrimary()).isTrue();
    assertThat(request.aiAgent().voiceId()).isEqualTo("v1");
    assertThat(request.businessHours().timeZone()).isEqualTo("America/New_York");
    assertThat(request.businessHours().weekly().get(0).days()).containsExactly("monday");
  }

  @Test
  void shouldChangeOnlyTheCredentialsAndKeepTheRouting() {
    TwilioConfigRequest request = Requests.from(json, stored()).withCredentials("AC" + "b".repeat(32), "new-token", 0);

    assertThat(request.accountSid()).isEqualTo("AC" + "b".repeat(32));
    assertThat(request.authToken()).isEqualTo("new-token");
    assertThat(request.previousTokenValidMinutes()).isZero();
    assertThat(request.callRoutingMode()).isEqualTo("voicemail");
    assertThat(request.recordingEnabled()).isTrue();
    assertThat(request.voicemailGreeting()).isEqualTo("Leave a message");
  }
}
