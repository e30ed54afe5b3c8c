package io.switchboard.ingress;

/** What the ingress answers Twilio: an HTTP status and, for 2xx, TwiML. */
public record IntakeResult(int status, String body, boolean twiml) {

  static IntakeResult twiml(String xml) {
    return new IntakeResult(200, xml, true);
  }

  static IntakeResult error(int status, String message) {
    return new IntakeResult(status, message, false);
  }
}
