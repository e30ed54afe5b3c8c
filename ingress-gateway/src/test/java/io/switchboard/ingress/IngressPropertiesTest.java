package io.switchboard.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngressPropertiesTest {

  @Test
  void shouldRefuseToSkipSignatureValidationOutsideALocalEnvironment() {
    assertThatThrownBy(() -> new IngressProperties(null, null, null, null, null, true, null))
        .hasMessageContaining("switchboard.ingress.skip-signature-validation");
    assertThatThrownBy(() -> new IngressProperties(null, null, null, null, null, true, "staging"))
        .hasMessageContaining("switchboard.ingress.environment=local");
  }

  @Test
  void shouldAllowSkippingValidationOnlyWhenTheEnvironmentIsLocal() {
    assertThat(new IngressProperties(null, null, null, null, null, true, "local").skipSignatureValidation()).isTrue();
  }

  @Test
  void shouldDefaultToValidatingInProductionWithATwoSecondBudget() {
    IngressProperties props = new IngressProperties("https://sb.example.com/", null, null, null, null, null, null);

    assertThat(props.skipSignatureValidation()).isFalse();
    assertThat(props.environment()).isEqualTo("production");
    assertThat(props.replyBudget()).isEqualTo(Duration.ofSeconds(2));
    assertThat(props.publicBaseUrl()).isEqualTo("https://sb.example.com");
  }

  @Test
  void shouldRefuseABudgetTwilioWouldNotWaitFor() {
    assertThatThrownBy(() -> new IngressProperties(null, Duration.ofSeconds(14), null, null, null, null, null))
        .hasMessageContaining("switchboard.ingress.reply-budget");
  }
}
