package io.switchboard.domain.routing;

import java.util.Locale;
import java.util.Set;

/**
 * The keywords by which a recipient stops or restarts a sender's messages, or asks for help, as
 * carriers and Twilio recognise them: the whole message is the keyword, in any case, with spaces and
 * punctuation around it ignored.
 */
public final class SmsKeywords {

  /** What an inbound message asks for. */
  public enum Intent { OPT_OUT, OPT_IN, HELP, NONE }

  static final Set<String> OPT_OUT = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
      "OPTOUT");
  static final Set<String> OPT_IN = Set.of("START", "UNSTOP");
  static final Set<String> HELP = Set.of("HELP", "INFO");

  private SmsKeywords() {}

  /** The keyword a message consists of, upper case, or null. */
  public static String keyword(String body) {
    if (body == null) {
      return null;
    }
    String word = body.strip().replaceAll("^[\\p{Punct}\\s]+|[\\p{Punct}\\s]+$", "").toUpperCase(Locale.ROOT);
    return OPT_OUT.contains(word) || OPT_IN.contains(word) || HELP.contains(word) ? word : null;
  }

  public static Intent intent(String body) {
    String word = keyword(body);
    if (word == null) {
      return Intent.NONE;
    }
    return OPT_OUT.contains(word) ? Intent.OPT_OUT : OPT_IN.contains(word) ? Intent.OPT_IN : Intent.HELP;
  }

  /** The key of a recipient's opt-out record for a company. */
  public static String key(String companyId, String number) {
    return companyId + ":" + number;
  }
}
