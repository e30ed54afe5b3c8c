package io.switchboard.domain.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.http.TwilioRestClient;
import io.switchboard.domain.crypto.Secret;
import org.junit.jupiter.api.Test;

class TwilioClientFactoryTest {

  private static final String ACME_SID = "AC" + "a".repeat(32);
  private static final String GLOBEX_SID = "AC" + "b".repeat(32);
  private final TwilioClientFactory factory = new TwilioClientFactory(TwilioApiTarget.standIn("http://127.0.0.1:9"));

  @Test
  void shouldBuildEachCompanysClientWithItsOwnAccount() {
    TwilioRestClient acme = factory.clientFor(new TenantCredentials("acme", ACME_SID, new Secret("token-a")));
    TwilioRestClient globex = factory.clientFor(new TenantCredentials("globex", GLOBEX_SID, new Secret("token-b")));

    assertThat(acme.getAccountSid()).isEqualTo(ACME_SID);
    assertThat(globex.getAccountSid()).isEqualTo(GLOBEX_SID);
    assertThat(acme.getHttpClient()).isNotSameAs(globex.getHttpClient());
  }

  @Test
  void shouldReuseTheClientWhileTheCredentialsAreUnchanged() {
    TwilioRestClient first = factory.clientFor(new TenantCredentials("acme", ACME_SID, new Secret("token-a")));
    TwilioRestClient second = factory.clientFor(new TenantCredentials("acme", ACME_SID, new Secret("token-a")));

    assertThat(second).isSameAs(first);
    assertThat(factory.size()).isEqualTo(1);
  }

  @Test
  void shouldRebuildTheClientWhenTheTokenChanges() {
    TwilioRestClient before = factory.clientFor(new TenantCredentials("acme", ACME_SID, new Secret("token-a")));
    TwilioRestClient after = factory.clientFor(new TenantCredentials("acme", ACME_SID, new Secret("token-rotated")));

    assertThat(after).isNotSameAs(before);
    assertThat(factory.size()).isEqualTo(1);
  }
}
