package io.switchboard.ingress;

import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.twilio.TwilioSignatures;
import java.util.List;
import java.util.Map;

/**
 * Checks X-Twilio-Signature with one company's Auth Token (see {@link TwilioSignatures}: URL with and
 * without the default port, repeated fields, constant-time comparison).
 */
public final class SignatureVerifier {

  public boolean verify(Secret authToken, String url, Map<String, List<String>> params, String signature) {
    return TwilioSignatures.validForm(authToken, url, params, signature);
  }
}
