package io.switchboard.local.twilio;

import io.switchboard.domain.twilio.TwilioSignatures;
import java.util.List;
import java.util.Map;

/** Signs a webhook the way Twilio does, to play Twilio in the local demo and in tests. */
public final class TwilioSigner {

  private TwilioSigner() {}

  public static String sign(String authToken, String url, Map<String, List<String>> params) {
    return TwilioSignatures.sign(authToken, url, params);
  }
}
