package io.switchboard.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.domain.phone.TenantAddress;
import org.junit.jupiter.api.Test;

/** Each microbenchmark measures the real function on a valid input: its answer is checked here. */
class HotPathBenchmarksTest {

  private final HotPathBenchmarks benchmarks = new HotPathBenchmarks();

  @Test
  void shouldNormaliseBothSpellingsOfTheNumberToTheSameE164() {
    assertThat(benchmarks.normalisePhoneNumber()).isInstanceOfSatisfying(TenantAddress.PhoneNumber.class,
        phone -> assertThat(phone.e164()).isEqualTo("+14152000001"));
    assertThat(benchmarks.normaliseFormattedNumber()).isInstanceOfSatisfying(TenantAddress.PhoneNumber.class,
        phone -> assertThat(phone.e164()).isEqualTo("+14152000001"));
  }

  @Test
  void shouldValidateTheSignatureOfTheFullIncomingCallForm() {
    assertThat(benchmarks.form).hasSize(27);
    assertThat(benchmarks.validateSignature()).isTrue();
  }

  @Test
  void shouldBuildEachRoutingModesTwiml() {
    assertThat(benchmarks.buildForwardTwiml().twiml()).contains("<Dial", "+16463000001");
    assertThat(benchmarks.buildVoicemailTwiml().twiml()).contains("<Record");
    assertThat(benchmarks.buildAiAgentTwiml().twiml()).contains("<Connect><Stream", "wss://agent.example.com");
  }

  @Test
  void shouldSerializeTheEventInConfluentWireFormatAndReadItBack() {
    byte[] bytes = benchmarks.serializeWebhookEvent();
    assertThat(bytes[0]).isZero();
    assertThat(benchmarks.deserializeWebhookEvent()).isEqualTo(benchmarks.forward.getEvent());
  }
}
