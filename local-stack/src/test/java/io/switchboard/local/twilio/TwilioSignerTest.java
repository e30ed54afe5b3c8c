package io.switchboard.local.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The signer that plays Twilio in the demo and the tests reproduces Twilio's own published signatures. */
class TwilioSignerTest {

  static Stream<Arguments> validFormVectors() throws IOException {
    Path file = Path.of(System.getProperty("switchboard.shared.dir", "../../shared"), "twilio/signature-vectors.json");
    List<Arguments> vectors = new ArrayList<>();
    for (JsonNode vector : new ObjectMapper().readTree(file.toFile()).path("vectors")) {
      if (vector.path("kind").asText().equals("form") && vector.path("expected_valid").asBoolean()
          && !vector.has("body")) {
        vectors.add(Arguments.of(vector.path("id").asText(), vector));
      }
    }
    return vectors.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFormVectors")
  void shouldProduceTwiliosSignatureForEveryPublishedFormVector(String id, JsonNode vector) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    vector.path("params").fields().forEachRemaining(field -> {
      List<String> values = new ArrayList<>();
      if (field.getValue().isArray()) {
        field.getValue().forEach(v -> values.add(v.isNull() ? "" : v.asText()));
      } else {
        values.add(field.getValue().isNull() ? "" : field.getValue().asText());
      }
      params.put(field.getKey(), values);
    });

    String signature = TwilioSigner.sign(vector.path("auth_token").asText(), vector.path("signed_url").asText(), params);

    assertThat(signature).isEqualTo(vector.path("x_twilio_signature").asText());
  }
}
