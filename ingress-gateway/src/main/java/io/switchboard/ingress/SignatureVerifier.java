package io.switchboard.ingress;

import com.twilio.security.RequestValidator;
import io.switchboard.domain.crypto.Secret;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks X-Twilio-Signature with one company's Auth Token using the Twilio SDK's
 * {@link RequestValidator}, which tries the URL with and without its default port and compares in
 * constant time.
 */
public final class SignatureVerifier {

  public boolean verify(Secret authToken, String url, Map<String, List<String>> params, String signature) {
    if (signature == null || signature.isBlank()) {
      return false;
    }
    Map<String, String> single = new LinkedHashMap<>();
    params.forEach((name, values) -> single.put(name, values.isEmpty() ? "" : values.get(0)));
    return new RequestValidator(authToken.reveal()).validate(url, single, signature);
  }
}
