package io.switchboard.domain.twilio;

import io.switchboard.domain.crypto.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signatures (X-Twilio-Signature): base64 HMAC-SHA1, keyed with the Auth Token, of
 * the URL Twilio called followed, for form posts, by every field name in order with each of its
 * distinct values in order; for JSON bodies, of the URL alone, whose {@code bodySHA256} query
 * parameter must be the hex SHA-256 of the body. A signature is accepted when it matches the URL as
 * given, without its port, or with its scheme's default port, as Twilio's own validators do; the
 * comparison takes constant time.
 *
 * <p>Written here rather than taken from the SDK's {@code RequestValidator}, whose form variant takes
 * a {@code Map<String, String>} and so cannot check a webhook with a repeated field; the published
 * test vectors in the tests hold this to Twilio's behaviour.
 */
public final class TwilioSignatures {

  private TwilioSignatures() {}

  /** The signature Twilio would send for this form post. */
  public static String sign(String authToken, String url, Map<String, List<String>> params) {
    StringBuilder data = new StringBuilder(url);
    new TreeMap<>(params).forEach((name, values) -> values.stream().map(v -> v == null ? "" : v).sorted().distinct()
        .forEach(value -> data.append(name).append(value)));
    return hmac(authToken, data.toString());
  }

  /** True when the signature matches this form post under the token. */
  public static boolean validForm(Secret authToken, String url, Map<String, List<String>> params, String signature) {
    if (signature == null || signature.isBlank()) {
      return false;
    }
    for (String candidate : urlVariants(url)) {
      if (constantTimeEquals(sign(authToken.reveal(), candidate, params), signature)) {
        return true;
      }
    }
    return false;
  }

  /** True when the signature matches this JSON post: the URL's bodySHA256 is the body's hash, and it is signed. */
  public static boolean validJson(Secret authToken, String url, String body, String signature) {
    if (signature == null || signature.isBlank() || body == null) {
      return false;
    }
    String claimed = queryParameter(url, "bodySHA256");
    if (claimed == null || !constantTimeEquals(sha256Hex(body), claimed.toLowerCase())) {
      return false;
    }
    return validForm(authToken, url, Map.of(), signature);
  }

  public static String sha256Hex(String body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /**
   * The URL as given, without its port, and with its scheme's default port; each also with an
   * apostrophe written as %27 (as a WHATWG URL parser writes it) and %27 written as an apostrophe,
   * both of which twilio-node also tries.
   */
  static Set<String> urlVariants(String url) {
    Set<String> variants = new LinkedHashSet<>();
    variants.add(url);
    try {
      URI uri = new URI(url);
      if (uri.getHost() != null) {
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
        String rest = (uri.getRawPath() == null ? "" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
            + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
        String base = uri.getScheme() + "://" + userInfo + uri.getHost();
        variants.add(base + rest);
        int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
        if (uri.getPort() == -1 && defaultPort > 0) {
          variants.add(base + ":" + defaultPort + rest);
        }
      }
    } catch (URISyntaxException e) {
      // Not a parseable URI (e.g. unencoded characters): only the URL as given can match.
    }
    Set<String> withNormalisedQuery = new LinkedHashSet<>(variants);
    for (String variant : variants) {
      withNormalisedQuery.add(variant.replace("'", "%27"));
      withNormalisedQuery.add(variant.replace("%27", "'"));
    }
    return withNormalisedQuery;
  }

  private static String queryParameter(String url, String name) {
    int query = url.indexOf('?');
    if (query < 0) {
      return null;
    }
    for (String pair : url.substring(query + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }

  private static String hmac(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
