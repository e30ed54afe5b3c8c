package io.switchboard.admin.http;

import io.switchboard.domain.routing.BusinessHoursRule;
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
    Integer previousTokenValidMinutes, BusinessHoursRequest businessHours) {

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

  /** When the company is open, in its own time zone, and the mode for calls outside those hours. */
  public record BusinessHoursRequest(String timeZone, List<WeeklyHours> weekly, List<DatedHours> exceptions,
      String afterHoursMode, String afterHoursForwardNumber) {}

  /** Hours on some days of the week: {@code days} like monday, {@code open} and {@code close} as HH:mm. */
  public record WeeklyHours(List<String> days, String open, String close) {}

  /** A date (yyyy-MM-dd) closed all day, or open other hours than usual. */
  public record DatedHours(String date, Boolean closed, String open, String close, String note) {}

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
    if (businessHours != null) {
      validateHours(errors, phones);
    }
    text(errors, "whisperMessage", whisperMessage);
    text(errors, "voicemailGreeting", voicemailGreeting);
    text(errors, "smsAutoReply", smsAutoReply);
    return errors;
  }

  private void validateHours(List<FieldError> errors, PhoneNumbers phones) {
    BusinessHoursRequest hours = businessHours;
    try {
      java.time.ZoneId.of(hours.timeZone());
    } catch (RuntimeException e) {
      errors.add(new FieldError("businessHours.timeZone", "must be a time zone such as America/New_York"));
    }
    List<WeeklyHours> weekly = hours.weekly() == null ? List.of() : hours.weekly();
    for (int i = 0; i < weekly.size(); i++) {
      WeeklyHours entry = weekly.get(i);
      String field = "businessHours.weekly[" + i + "]";
      if (entry == null || entry.days() == null || entry.days().isEmpty()) {
        errors.add(new FieldError(field + ".days", "must name at least one day"));
      } else {
        for (String day : entry.days()) {
          try {
            java.time.DayOfWeek.valueOf(String.valueOf(day).toUpperCase(java.util.Locale.ROOT));
          } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field + ".days", "'" + day + "' is not a day of the week"));
          }
        }
      }
      interval(errors, field, entry == null ? null : entry.open(), entry == null ? null : entry.close());
    }
    List<DatedHours> exceptions = hours.exceptions() == null ? List.of() : hours.exceptions();
    for (int i = 0; i < exceptions.size(); i++) {
      DatedHours entry = exceptions.get(i);
      String field = "businessHours.exceptions[" + i + "]";
      try {
        java.time.LocalDate.parse(entry == null ? null : entry.date());
      } catch (RuntimeException e) {
        errors.add(new FieldError(field + ".date", "must be a date as yyyy-MM-dd"));
      }
      if (entry != null && !Boolean.TRUE.equals(entry.closed())) {
        interval(errors, field, entry.open(), entry.close());
      }
      if (entry != null) {
        text(errors, field + ".note", entry.note());
      }
    }
    if (hours.afterHoursMode() == null || !MODES.contains(hours.afterHoursMode())) {
      errors.add(new FieldError("businessHours.afterHoursMode", "must be one of ai-agent, voicemail, forward"));
    }
    if (hours.afterHoursForwardNumber() != null && phones.toE164(hours.afterHoursForwardNumber()).isEmpty()) {
      errors.add(new FieldError("businessHours.afterHoursForwardNumber", "is not a phone number"));
    }
    if ("forward".equals(hours.afterHoursMode()) && hours.afterHoursForwardNumber() == null
        && (forwardNumber == null || forwardNumber.isBlank())) {
      errors.add(new FieldError("businessHours.afterHoursForwardNumber",
          "is required when afterHoursMode is forward and there is no forwardNumber"));
    }
  }

  private static void interval(List<FieldError> errors, String field, String open, String close) {
    if (!BusinessHoursRule.validTime(open, false)) {
      errors.add(new FieldError(field + ".open", "must be a time as HH:mm"));
    }
    if (!BusinessHoursRule.validTime(close, true)) {
      errors.add(new FieldError(field + ".close", "must be a time as HH:mm, or 24:00"));
    } else if (BusinessHoursRule.validTime(open, false) && !close.equals("24:00")
        && !java.time.LocalTime.parse(close).isAfter(java.time.LocalTime.parse(open))) {
      errors.add(new FieldError(field + ".close", "must be after open"));
    }
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
