package io.switchboard.domain.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.twilio.reference.TwilioReference;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every published Twilio signature vector gives the answer Twilio's own validators give. */
class TwilioSignaturesTest {

  static Stream<Arguments> vectors() throws IOException {
    List<Arguments> vectors = new ArrayList<>();
    try (InputStream file = TwilioReference.SIGNATURE_VECTORS.open()) {
      for (JsonNode vector : new ObjectMapper().readTree(file).path("vectors")) {
        vectors.add(Arguments.of(vector.path("id").asText(), vector));
      }
    }
    assertThat(vectors).hasSize(45);
    return vectors.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void shouldGiveTheExpectedAnswerForEveryPublishedVector(String id, JsonNode vector) {
    Secret token = new Secret(vector.path("auth_token").asText());
    String signature = vector.path("x_twilio_signature").isNull() ? null : vector.path("x_twilio_signature").asText();
    boolean valid = switch (vector.path("kind").asText()) {
      case "form" -> TwilioSignatures.validForm(token, vector.path("url").asText(), params(vector), signature);
      case "json_body" -> TwilioSignatures.validJson(token, vector.path("url").asText(), vector.path("body").asText(),
          signature);
      case "body_hash" -> TwilioSignatures.sha256Hex(vector.path("body").asText())
          .equals(vector.path("expected_body_sha256_hex").asText());
      default -> throw new IllegalArgumentException("unknown kind in " + id);
    };
    assertThat(valid).as(id).isEqualTo(vector.path("expected_valid").asBoolean());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void shouldSignExactlyWhatTwilioSignedForEveryValidFormVector(String id, JsonNode vector) {
    if (!vector.path("kind").asText().equals("form") || !vector.path("expected_valid").asBoolean()) {
      return;
    }
    assertThat(TwilioSignatures.sign(vector.path("auth_token").asText(), vector.path("signed_url").asText(),
        params(vector))).as(id).isEqualTo(vector.path("x_twilio_signature").asText());
  }

  @Test
  void shouldRefuseASignatureMadeWithAnotherCompanysToken() {
    Map<String, List<String>> params = Map.of("CallSid", List.of("CA1"), "To", List.of("+15551230001"));
    String url = "https://switchboard.example.com/api/twilio/voice";
    String signature = TwilioSignatures.sign("token-of-acme", url, params);

    assertThat(TwilioSignatures.validForm(new Secret("token-of-acme"), url, params, signature)).isTrue();
    assertThat(TwilioSignatures.validForm(new Secret("token-of-globex"), url, params, signature)).isFalse();
  }

  private static Map<String, List<String>> params(JsonNode vector) {
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
    return params;
  }
}
