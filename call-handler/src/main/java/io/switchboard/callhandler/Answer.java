package io.switchboard.callhandler;

import io.switchboard.schemas.common.RoutingMode;
import java.util.List;

/**
 * The TwiML for one webhook, the configuration problems met while building it, for an SMS the
 * reply text (so a reply that missed the budget can still be sent as a message), and for a call
 * the routing mode it got and the business-hours rule that chose it (null without business hours).
 */
public record Answer(String twiml, List<String> warnings, String smsReplyBody, RoutingMode routingMode,
    String routingRule) {

  public Answer {
    warnings = List.copyOf(warnings);
  }

  public Answer(String twiml, List<String> warnings, String smsReplyBody) {
    this(twiml, warnings, smsReplyBody, null, null);
  }

  public Answer(String twiml, List<String> warnings) {
    this(twiml, warnings, null);
  }

  static Answer of(String twiml) {
    return new Answer(twiml, List.of());
  }
}
