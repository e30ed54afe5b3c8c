package io.switchboard.callhandler;

import java.util.List;

/** The TwiML for one webhook, and the configuration problems met while building it. */
public record Answer(String twiml, List<String> warnings) {

  public Answer {
    warnings = List.copyOf(warnings);
  }

  static Answer of(String twiml) {
    return new Answer(twiml, List.of());
  }
}
