package io.switchboard.domain.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.twilio.http.TwilioRestClient;
import io.switchboard.domain.crypto.Secret;
import java.time.Duration;
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

  @Test
  void shouldCloseTheReplacedClientSoThatRotationsLeaveNoPoolBehind() {
    factory.clientFor(new TenantCredentials("acme", ACME_SID, new Secret("token-0")));
    int before = TwilioApiTarget.openPools();

    for (int rotation = 1; rotation <= 40; rotation++) {
      factory.clientFor(new TenantCredentials("acme", ACME_SID, new Secret("token-" + rotation)));
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(TwilioApiTarget.openPools()).isLessThanOrEqualTo(before));
    factory.evict("acme");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(TwilioApiTarget.openPools()).isLessThan(before));
  }

  @Test
  void shouldCloseAOneOffClientOnceItsActionIsDone() {
    int before = TwilioApiTarget.openPools();

    for (int check = 0; check < 40; check++) {
      String sid = TwilioClientFactory.withOwnClient(factory.target(),
          new TenantCredentials("candidate", GLOBEX_SID, new Secret("token-" + check)), TwilioRestClient::getAccountSid);
      assertThat(sid).isEqualTo(GLOBEX_SID);
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(TwilioApiTarget.openPools()).isLessThanOrEqualTo(before));
  }
}
