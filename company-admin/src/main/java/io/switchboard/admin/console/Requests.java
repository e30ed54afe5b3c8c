package io.switchboard.admin.console;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.admin.http.TwilioConfigRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A full configuration request made from what is stored (the API's view of it) with one part of
 * it changed by a console form: the company API replaces the whole configuration, so the parts a
 * form does not show are carried over as they are. The stored token is kept unless a new one is
 * given. Numbers waiting for the company's Twilio account to show them are asked for again (they
 * stay pending until it does); a legacy single number is carried into the list of numbers.
 */
final class Requests {

  private final ObjectMapper json;
  private final Map<String, Object> view;

  private Requests(ObjectMapper json, Map<String, Object> view) {
    this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    this.view = view;
  }

  static Requests from(ObjectMapper json, Map<String, Object> view) {
    return new Requests(json, view);
  }

  TwilioConfigRequest withCredentials(String accountSid, String authToken, Integer previousTokenValidMinutes) {
    return build(accountSid, authToken, string("callRoutingMode"), string("forwardNumber"),
        bool("recordingEnabled"), bool("transcriptionEnabled"), string("whisperMessage"), string("voicemailGreeting"),
        string("smsAutoReply"), aiAgent(), previousTokenValidMinutes);
  }

  TwilioConfigRequest withRouting(Map<String, String> form) {
    String mode = form.getOrDefault("callRoutingMode", "");
    TwilioConfigRequest.AiAgent agent = aiAgent();
    String agentUrl = blankToNull(form.get("aiAgentUrl"));
    if (agentUrl != null || agent != null) {
      agent = new TwilioConfigRequest.AiAgent(agentUrl, agent == null ? null : agent.voiceId(),
          agent == null ? null : agent.greeting());
    }
    return build(string("accountSid"), null, mode, blankToNull(form.get("forwardNumber")),
        form.containsKey("recordingEnabled"), form.containsKey("transcriptionEnabled"),
        blankToNull(form.get("whisperMessage")), blankToNull(form.get("voicemailGreeting")),
        blankToNull(form.get("smsAutoReply")), agent, null);
  }

  private TwilioConfigRequest build(String accountSid, String authToken, String mode, String forwardNumber,
      Boolean recording, Boolean transcription, String whisper, String greeting, String smsAutoReply,
      TwilioConfigRequest.AiAgent agent, Integer previousTokenValidMinutes) {
    return new TwilioConfigRequest(accountSid, authToken, numbers(), mode, forwardNumber, recording, transcription,
        whisper, greeting, smsAutoReply, agent, previousTokenValidMinutes, businessHours());
  }

  @SuppressWarnings("unchecked")
  private List<TwilioConfigRequest.PhoneNumberRequest> numbers() {
    List<TwilioConfigRequest.PhoneNumberRequest> numbers = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Map<String, Object> entry : (List<Map<String, Object>>) view.getOrDefault("phoneNumbers", List.of())) {
      String number = String.valueOf(entry.get("phoneNumber"));
      seen.add(number);
      numbers.add(new TwilioConfigRequest.PhoneNumberRequest(number, (String) entry.get("status"),
          Boolean.TRUE.equals(entry.get("isPrimary"))));
    }
    for (Map<String, Object> pending : (List<Map<String, Object>>) view.getOrDefault("pendingNumbers", List.of())) {
      String number = String.valueOf(pending.get("phoneNumber"));
      if (!seen.contains(number)) {
        seen.add(number);
        numbers.add(new TwilioConfigRequest.PhoneNumberRequest(number, "active", false));
      }
    }
    String legacy = string("legacyPhoneNumber");
    if (legacy != null && !seen.contains(legacy)) {
      numbers.add(new TwilioConfigRequest.PhoneNumberRequest(legacy, "active", numbers.isEmpty()));
    }
    return numbers;
  }

  private TwilioConfigRequest.AiAgent aiAgent() {
    Object agent = view.get("aiAgent");
    return agent == null ? null : json.convertValue(agent, TwilioConfigRequest.AiAgent.class);
  }

  private TwilioConfigRequest.BusinessHoursRequest businessHours() {
    Object hours = view.get("businessHours");
    return hours == null ? null : json.convertValue(hours, TwilioConfigRequest.BusinessHoursRequest.class);
  }

  private String string(String field) {
    Object value = view.get(field);
    return value == null ? null : value.toString();
  }

  private Boolean bool(String field) {
    return Boolean.TRUE.equals(view.get(field));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
