package io.switchboard.callhandler;

import java.util.List;

/**
 * The TwiML for one webhook, the configuration problems met while building it, and for an SMS the
 * reply text (so a reply that missed the budget can still be sent as a message).
 */
public record Answer(String twiml, List<String> warnings, String smsReplyBody) {

  public Answer {
    warnings = List.copyOf(warnings);
  }

  public Answer(String twiml, List<String> warnings) {
    this(twiml, warnings, null);
  }

  static Answer of(String twiml) {
    return new Answer(twiml, List.of());
  }
}
