package io.switchboard.admin.http;

import io.switchboard.domain.phone.PhoneNumbers;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT /api/companies/{id}/twilio/config}. {@code authToken} may be left out to
 * keep the stored one. {@link #validate} reports every problem with its field, and writes the
 * numbers in E.164.
 */
public record TwilioConfigRequest(String accountSid, String authToken, List<PhoneNumberRequest> phoneNumbers,
    String callRoutingMode, String forwardNumber, Boolean recordingEnabled, Boolean transcriptionEnabled,
    String whisperMessage, String voicemailGreeting, String smsAutoReply, AiAgent aiAgent,
    Integer previousTokenValidMinutes) {

  /** The longest a replaced token may stay valid: a day. */
  static final int MAX_PREVIOUS_TOKEN_MINUTES = 24 * 60;

  static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");

  /** Never the token: Spring MVC logs request bodies at DEBUG and TRACE. */
  @Override
  public String toString() {
    return "TwilioConfigRequest[accountSid=" + accountSid + ", authToken=" + (authToken == null ? "none" : "****")
        + ", phoneNumbers=" + phoneNumbers + ", callRoutingMode=" + callRoutingMode + ", forwardNumber="
        + forwardNumber + ", recordingEnabled=" + recordingEnabled + ", transcriptionEnabled=" + transcriptionEnabled
        + "]";
  }
  static final Set<String> MODES = Set.of("ai-agent", "voicemail", "forward");
  static final Set<String> STATUSES = Set.of("active", "inactive");
  static final int MAX_TEXT = 1_000;

  /** One number of the company. */
  public record PhoneNumberRequest(String phoneNumber, String status, Boolean isPrimary) {}

  /** The company's AI agent. */
  public record AiAgent(String websocketUrl, String voiceId, String greeting) {}

  /** Every problem found; empty when the request can be stored. */
  List<FieldError> validate(PhoneNumbers phones) {
    List<FieldError> errors = new ArrayList<>();
    if (accountSid == null || !ACCOUNT_SID.matcher(accountSid).matches()) {
      errors.add(new FieldError("accountSid", "must be AC followed by 32 hexadecimal characters"));
    }
    if (authToken != null && (authToken.length() < 16 || authToken.length() > 128 || authToken.isBlank())) {
      errors.add(new FieldError("authToken", "must be between 16 and 128 characters"));
    }
    if (previousTokenValidMinutes != null
        && (previousTokenValidMinutes < 0 || previousTokenValidMinutes > MAX_PREVIOUS_TOKEN_MINUTES)) {
      errors.add(new FieldError("previousTokenValidMinutes", "must be between 0 (revoke the replaced token at once) and "
          + MAX_PREVIOUS_TOKEN_MINUTES));
    }
    if (callRoutingMode == null || !MODES.contains(callRoutingMode)) {
      errors.add(new FieldError("callRoutingMode", "must be one of ai-agent, voicemail, forward"));
    }
    if ("forward".equals(callRoutingMode) && (forwardNumber == null || forwardNumber.isBlank())) {
      errors.add(new FieldError("forwardNumber", "is required when callRoutingMode is forward"));
    } else if (forwardNumber != null && !forwardNumber.isBlank() && phones.toE164(forwardNumber).isEmpty()) {
      errors.add(new FieldError("forwardNumber", "is not a phone number"));
    }
    if ("ai-agent".equals(callRoutingMode) && (aiAgent == null || aiAgent.websocketUrl() == null)) {
      errors.add(new FieldError("aiAgent.websocketUrl", "is required when callRoutingMode is ai-agent"));
    } else if (aiAgent != null && aiAgent.websocketUrl() != null && !isWebSocketUrl(aiAgent.websocketUrl())) {
      errors.add(new FieldError("aiAgent.websocketUrl", "must be a wss:// or ws:// URL"));
    }
    List<PhoneNumberRequest> numbers = phoneNumbers == null ? List.of() : phoneNumbers;
    int primaries = 0;
    for (int i = 0; i < numbers.size(); i++) {
      PhoneNumberRequest number = numbers.get(i);
      if (number == null || number.phoneNumber() == null || phones.toE164(number.phoneNumber()).isEmpty()) {
        errors.add(new FieldError("phoneNumbers[" + i + "].phoneNumber", "is not a phone number"));
      }
      if (number != null && number.status() != null && !STATUSES.contains(number.status())) {
        errors.add(new FieldError("phoneNumbers[" + i + "].status", "must be active or inactive"));
      }
      if (number != null && Boolean.TRUE.equals(number.isPrimary())) {
        primaries++;
      }
    }
    if (primaries > 1) {
      errors.add(new FieldError("phoneNumbers", "at most one number may be primary"));
    }
    long distinct = numbers.stream().filter(n -> n != null && n.phoneNumber() != null)
        .map(n -> phones.toE164(n.phoneNumber()).orElse(n.phoneNumber())).distinct().count();
    if (distinct < numbers.stream().filter(n -> n != null && n.phoneNumber() != null).count()) {
      errors.add(new FieldError("phoneNumbers", "a number is listed twice"));
    }
    text(errors, "whisperMessage", whisperMessage);
    text(errors, "voicemailGreeting", voicemailGreeting);
    text(errors, "smsAutoReply", smsAutoReply);
    return errors;
  }

  private static void text(List<FieldError> errors, String field, String value) {
    if (value != null && value.length() > MAX_TEXT) {
      errors.add(new FieldError(field, "must be at most " + MAX_TEXT + " characters"));
    }
  }

  private static boolean isWebSocketUrl(String value) {
    try {
      URI uri = URI.create(value);
      return ("wss".equals(uri.getScheme()) || "ws".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
