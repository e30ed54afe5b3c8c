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

  public static Map<String, List<String>> parse(byte[] body) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (NameValuePair pair : WWWFormCodec.parse(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8)) {
      params.computeIfAbsent(pair.getName(), k -> new ArrayList<>()).add(pair.getValue() == null ? "" : pair.getValue());
    }
    return params;
  }
}
