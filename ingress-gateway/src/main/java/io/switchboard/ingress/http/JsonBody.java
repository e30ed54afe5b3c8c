package io.switchboard.ingress.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a JSON webhook body (Twilio's newer products post JSON, signed with bodySHA256 in
 * the URL), as the ingress records every webhook: the top-level members, in order, a scalar as its
 * text, an array of scalars as repeated values, anything nested as its JSON text.
 */
final class JsonBody {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonBody() {}

  /** @throws IllegalArgumentException when the body is not a JSON object */
  static Map<String, List<String>> fields(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the JSON body is not an object");
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> member = it.next();
      List<String> values = new ArrayList<>();
      if (member.getValue().isArray()) {
        member.getValue().forEach(v -> values.add(text(v)));
      } else {
        values.add(text(member.getValue()));
      }
      fields.put(member.getKey(), values);
    }
    return fields;
  }

  private static String text(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }
}
