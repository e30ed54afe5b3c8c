package io.switchboard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngressPropertiesTest {

  private static final String URL = "https://sb.example.com";

  @Test
  void shouldRefuseToStartWithoutAPublicBaseUrlOutsideALocalEnvironment() {
    assertThatThrownBy(() -> new IngressProperties(null, null, null, null, null, null, null, null))
        .hasMessageStartingWith("switchboard.ingress.public-base-url is required");
    assertThat(new IngressProperties(null, null, null, null, null, "local", null, null).publicBaseUrl()).isNull();
  }

  @Test
  void shouldRefuseToSkipSignatureValidationOutsideALocalEnvironment() {
    assertThatThrownBy(() -> new IngressProperties(null, null, null, null, true, null, null, null))
        .hasMessageContaining("switchboard.ingress.skip-signature-validation");
    assertThatThrownBy(() -> new IngressProperties(null, null, null, null, true, "staging", null, null))
        .hasMessageContaining("switchboard.ingress.environment=local");
  }

  @Test
  void shouldAllowSkippingValidationOnlyWhenTheEnvironmentIsLocal() {
    assertThat(new IngressProperties(null, null, null, null, true, "local", null, null).skipSignatureValidation()).isTrue();
  }

  @Test
  void shouldDefaultToValidatingInProductionWithATwoSecondBudget() {
    IngressProperties props = new IngressProperties("https://sb.example.com/", null, null, null, null, null, null, null);

    assertThat(props.skipSignatureValidation()).isFalse();
    assertThat(props.environment()).isEqualTo("production");
    assertThat(props.replyBudget()).isEqualTo(Duration.ofSeconds(2));
    assertThat(props.publicBaseUrl()).isEqualTo("https://sb.example.com");
  }

  @Test
  void shouldRefuseABudgetTwilioWouldNotWaitFor() {
    assertThatThrownBy(() -> new IngressProperties(URL, Duration.ofSeconds(14), null, null, null, null, null, null))
        .hasMessageContaining("switchboard.ingress.reply-budget");
  }

  @Test
  void shouldRefuseWaitsThatAddUpToMoreThanTwilioWaits() {
    // 8 s of budget and two 5 s writes: 18 s, where the ingress would hold the webhook past Twilio's 15 s.
    assertThatThrownBy(() -> new IngressProperties(URL, Duration.ofSeconds(8), Duration.ofSeconds(5), null, null, null, null, null)).hasMessageContaining("18000 ms exceeds switchboard.ingress.max-hold");
    assertThatThrownBy(() -> new IngressProperties(URL, null, null, null, null, null, Duration.ofSeconds(20), null))
        .hasMessageContaining("switchboard.ingress.max-hold is 20000 ms");
    assertThat(new IngressProperties(URL, null, null, null, null, null, null, null).maxHold())
        .isEqualTo(Duration.ofSeconds(12));
  }
}
