package io.switchboard.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.domain.routing.SmsKeywords.Intent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmsKeywordsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "STOP|OPT_OUT", "stop|OPT_OUT", "  Stop.  |OPT_OUT", "UNSUBSCRIBE|OPT_OUT", "end|OPT_OUT", "quit!|OPT_OUT",
      "cancel|OPT_OUT", "stopall|OPT_OUT", "revoke|OPT_OUT", "optout|OPT_OUT",
      "START|OPT_IN", "unstop|OPT_IN", "HELP|HELP", "info?|HELP",
      "please stop calling|NONE", "stopped|NONE", "Start the engine|NONE", "hello|NONE"})
  void shouldRecogniseAWholeMessageKeywordOnly(String body, Intent intent) {
    assertThat(SmsKeywords.intent(body)).isEqualTo(intent);
  }
}
