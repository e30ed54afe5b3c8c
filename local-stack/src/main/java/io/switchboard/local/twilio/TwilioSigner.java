package io.switchboard.local.twilio;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook the way Twilio does: base64 HMAC-SHA1, keyed with the Auth Token, of the URL
 * followed by each field name in order with each of its distinct values in order. It plays Twilio
 * in the local demo and in tests. Written here because the Twilio SDK only validates signatures
 * and exposes no method that makes one; what it makes is checked against Twilio's published
 * test vectors.
 */
public final class TwilioSigner {

  private TwilioSigner() {}

  public static String sign(String authToken, String url, Map<String, List<String>> params) {
    StringBuilder data = new StringBuilder(url);
    new TreeMap<>(params).forEach((name, values) -> values.stream().sorted().distinct()
        .forEach(value -> data.append(name).append(value)));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }
}
