package io.switchboard.ingress.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.net.WWWFormCodec;

/**
 * A form body decoded in order with repeated fields kept, by Apache HttpCore's form codec. The
 * servlet container's parameter map is not used: it mixes query-string parameters into the body
 * fields, while Twilio's signature covers the query string as part of the URL and only the body
 * fields as parameters.
 */
public final class FormBody {

  private FormBody() {}

  /**
   * The fields of the body.
   *
   * @throws IllegalArgumentException when a % is not followed by two hex digits: the codec would
   *     keep such text literally, and a webhook Twilio did not send must not be guessed at
   */
  public static Map<String, List<String>> parse(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) {
      if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
          || Character.digit(text.charAt(i + 2), 16) < 0) {
        throw new IllegalArgumentException("invalid percent-encoding at character " + i);
      }
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (NameValuePair pair : WWWFormCodec.parse(text, StandardCharsets.UTF_8)) {
      params.computeIfAbsent(pair.getName(), k -> new ArrayList<>()).add(pair.getValue() == null ? "" : pair.getValue());
    }
    return params;
  }
}
