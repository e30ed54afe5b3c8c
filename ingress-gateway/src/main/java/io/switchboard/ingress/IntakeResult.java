package io.switchboard.ingress;

import java.util.Locale;

/** What the ingress answers Twilio: an HTTP status and, for 2xx, TwiML; and how the webhook ended. */
public record IntakeResult(int status, String body, boolean twiml, Outcome outcome) {

  /** How a webhook ended at the ingress, as counted in its metrics. */
  public enum Outcome {
    /** Answered with the call-handler's TwiML within the reply budget. */
    INLINE,
    /** Answered with the holding TwiML; the real answer follows through the company's client. */
    DEFERRED,
    /** A callback that needs no TwiML, durably accepted. */
    ACKNOWLEDGED,
    /** Accepted for a number no company claims. */
    UNROUTABLE,
    /** Refused: its signature matches no company's token. */
    REJECTED,
    /** Refused: a required field is missing. */
    MALFORMED,
    /** Answered 503: Kafka could not durably accept it. */
    UNAVAILABLE;

    /** The tag value in metrics. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static IntakeResult twiml(String xml, Outcome outcome) {
    return new IntakeResult(200, xml, true, outcome);
  }

  static IntakeResult error(int status, String message, Outcome outcome) {
    return new IntakeResult(status, message, false, outcome);
  }
}
