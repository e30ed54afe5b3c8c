package io.switchboard.callhandler.effects;

import io.switchboard.schemas.events.SideEffect;
import java.time.Instant;

/** What the side-effect worker asks of a company's Twilio account. */
interface TwilioActions {

  /** Performs the effect; returns the SID of the message sent or the call updated. */
  String perform(SideEffect effect);

  /**
   * Asks Twilio whether an effect whose outcome is unknown took place, without acting.
   *
   * @param startedAt when its first attempt began: Twilio cannot have acted on it earlier
   */
  Finding find(SideEffect effect, Instant startedAt);

  /** What Twilio shows of an effect. */
  sealed interface Finding {
    /** It took place: the message exists, or the call changed after the attempt began. */
    record Happened(String sid, String evidence) implements Finding {}

    /** It can no longer take place (the call ended): acting now would do nothing useful. */
    record Moot(String reason) implements Finding {}

    /** Twilio shows no trace of it: performing it now is the first time. */
    record NotHappened(String evidence) implements Finding {}
  }
}
