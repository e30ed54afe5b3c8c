package io.switchboard.local.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.switchboard.twilio.reference.TwilioReference;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twilio's OpenAPI description of api.twilio.com/2010-04-01, used to check that every request
 * Switchboard sends would be understood by Twilio: a documented path, a documented method, the
 * required form fields, and only documented form fields.
 */
public final class OpenApiContract {

  /** One documented operation matched by a request, with the values of its path parameters. */
  public record Match(String template, Map<String, String> pathParams) {}

  private record Operation(String template, Pattern pattern, List<String> names, JsonNode item) {}

  private final List<Operation> operations = new ArrayList<>();

  private OpenApiContract(JsonNode spec) {
    Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      List<String> names = new ArrayList<>();
      Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
      StringBuilder regex = new StringBuilder();
      int last = 0;
      while (m.find()) {
        regex.append(Pattern.quote(path.getKey().substring(last, m.start()))).append("([^/]+?)");
        names.add(m.group(1));
        last = m.end();
      }
      regex.append(Pattern.quote(path.getKey().substring(last)));
      operations.add(new Operation(path.getKey(), Pattern.compile(regex.toString()), names, path.getValue()));
    }
  }

  /** Twilio's own description of its 2010-04-01 API, kept in the repository. */
  public static OpenApiContract twilioV2010() {
    try (InputStream spec = TwilioReference.OPENAPI_V2010.open()) {
      return new OpenApiContract(new ObjectMapper().readTree(spec));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Twilio's OpenAPI description", e);
    }
  }

  /**
   * Checks one request and returns what is wrong with it (empty when it conforms); the match is
   * reported through {@code matched}.
   */
  public List<String> check(String method, String path, Map<String, List<String>> form, List<Match> matched) {
    List<String> problems = new ArrayList<>();
    Operation operation = null;
    Map<String, String> params = new LinkedHashMap<>();
    for (Operation candidate : operations) {
      Matcher m = candidate.pattern().matcher(path);
      if (m.matches()) {
        operation = candidate;
        for (int i = 0; i < candidate.names().size(); i++) {
          params.put(candidate.names().get(i), m.group(i + 1));
        }
        break;
      }
    }
    if (operation == null) {
      problems.add("no documented path matches " + path);
      return problems;
    }
    matched.add(new Match(operation.template(), params));
    JsonNode op = operation.item().path(method.toLowerCase(Locale.ROOT));
    if (op.isMissingNode()) {
      problems.add(method + " is not documented for " + operation.template());
      return problems;
    }
    JsonNode schema = op.path("requestBody").path("content").path("application/x-www-form-urlencoded").path("schema");
    for (JsonNode required : schema.path("required")) {
      if (!form.containsKey(required.asText())) {
        problems.add("required form field " + required.asText() + " missing for " + method + " " + operation.template());
      }
    }
    if (!form.isEmpty()) {
      JsonNode properties = schema.path("properties");
      for (String field : form.keySet()) {
        if (!properties.has(field)) {
          problems.add("form field " + field + " is not documented for " + method + " " + operation.template());
        }
      }
    }
    return problems;
  }
}
