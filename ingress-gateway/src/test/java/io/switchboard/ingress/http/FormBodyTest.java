package io.switchboard.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormBodyTest {

  @Test
  void shouldKeepOrderAndRepeatedFields() {
    var form = FormBody.parse("To=%2B15551230001&Digits=1&Digits=2&Body=caf%C3%A9+%F0%9F%98%80".getBytes(
        StandardCharsets.UTF_8));

    assertThat(form.keySet()).containsExactly("To", "Digits", "Body");
    assertThat(form.get("Digits")).containsExactly("1", "2");
    assertThat(form.get("To")).containsExactly("+15551230001");
    assertThat(form.get("Body")).containsExactly("café 😀");
  }

  @Test
  void shouldReadAFieldWithoutAValueAsEmpty() {
    assertThat(FormBody.parse("Flag&To=1".getBytes(StandardCharsets.UTF_8)).get("Flag")).isEqualTo(List.of(""));
  }

  @Test
  void shouldRefuseInvalidPercentEncodingRatherThanGuess() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FormBody.parse("To=%zz".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percent-encoding");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FormBody.parse("To=%2".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
