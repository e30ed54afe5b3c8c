package io.switchboard.callhandler.effects;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import io.switchboard.domain.crypto.CredentialException;
import io.switchboard.domain.twilio.CompanyNotKnownException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TwilioErrorsTest {

  private static ApiException apiError(String message, Integer code, int status) {
    return new ApiException(message, code, null, status, null, null, null, null);
  }

  @Test
  void shouldRetryRateLimitsAndServerErrors() {
    assertThat(TwilioErrors.retriable(apiError("slow down", 20429, 429))).isTrue();
    assertThat(TwilioErrors.retriable(apiError("oops", 20500, 500))).isTrue();
    assertThat(TwilioErrors.retriable(apiError("bad gateway", null, 502))).isTrue();
  }

  @Test
  void shouldNeverRetryClientErrorsOrBadCredentials() {
    assertThat(TwilioErrors.retriable(apiError("Authenticate", 20003, 401))).isFalse();
    assertThat(TwilioErrors.retriable(apiError("not a number", 21211, 400))).isFalse();
    assertThat(TwilioErrors.retriable(new CredentialException("does not decrypt"))).isFalse();
  }

  @Test
  void shouldRetryAnEffectWhoseCompanyConfigHasNotArrivedYet() {
    assertThat(TwilioErrors.retriable(new CompanyNotKnownException("just-created"))).isTrue();
  }

  @Test
  void shouldRetryAConnectionThatNeverOpenedButNotOneLostMidRequest() {
    ApiConnectionException refused = new ApiConnectionException("refused", new ConnectException("refused"));
    ApiConnectionException timedOut = new ApiConnectionException("timeout", new SocketTimeoutException("read"));

    assertThat(TwilioErrors.retriable(refused)).isTrue();
    assertThat(TwilioErrors.retriable(timedOut)).isFalse();
    assertThat(TwilioErrors.outcomeUnknown(timedOut)).isTrue();
    assertThat(TwilioErrors.outcomeUnknown(refused)).isFalse();
  }

  @Test
  void shouldReportARequestTheSdkGotNoAnswerToAsUnknownAndNeverRetryIt() {
    // What the SDK throws when Twilio's end closes the connection after receiving the request.
    ApiException unanswered = new ApiException("The target server failed to respond",
        new java.io.IOException("The target server failed to respond"));
    ApiException neverConnected = new ApiException("Connection refused", new ConnectException("Connection refused"));

    assertThat(TwilioErrors.retriable(unanswered)).isFalse();
    assertThat(TwilioErrors.outcomeUnknown(unanswered)).isTrue();
    assertThat(TwilioErrors.describe(unanswered)).startsWith("no answer from Twilio");
    assertThat(TwilioErrors.retriable(neverConnected)).isTrue();
    assertThat(TwilioErrors.outcomeUnknown(neverConnected)).isFalse();
  }

  @Test
  void shouldBackOffWithinTheCapAndGrowWithAttempts() {
    RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));

    for (int i = 0; i < 200; i++) {
      assertThat(policy.delayMillisAfter(1)).isBetween(0L, 100L);
      assertThat(policy.delayMillisAfter(3)).isBetween(0L, 400L);
      assertThat(policy.delayMillisAfter(10)).isBetween(0L, 1000L);
    }
  }
}
