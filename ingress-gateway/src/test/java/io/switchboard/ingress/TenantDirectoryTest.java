package io.switchboard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TenantDirectoryTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final CredentialCipher cipher = CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson());
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private final TenantDirectory directory = new TenantDirectory(cipher, clock);

  @Test
  void shouldListEveryCompanyClaimingANumber() {
    directory.accept("acme", company("acme", "token-1", "+15551230001"));
    directory.accept("globex", company("globex", "token-2", "+15551230001"));

    assertThat(directory.claimants("+15551230001")).containsExactly("acme", "globex");
    assertThat(directory.authToken("acme")).hasValueSatisfying(t -> assertThat(t.reveal()).isEqualTo("token-1"));
  }

  @Test
  void shouldNeverKeepTheOldTokenWhenARotationLandsWhileItIsBeingDecrypted() {
    AtomicReference<TenantDirectory> racing = new AtomicReference<>();
    AtomicReference<Boolean> rotated = new AtomicReference<>(false);
    TenantDirectory directory = new TenantDirectory((id, encrypted) -> {
      Secret token = cipher.decrypt(id, encrypted);
      if (!rotated.getAndSet(true)) {
        // The new token's config arrives after the config was read, before the token is kept.
        racing.get().accept("acme", company("acme", "token-2", "+15551230001"));
      }
      return token;
    }, clock);
    racing.set(directory);
    directory.accept("acme", company("acme", "token-1", "+15551230001"));

    directory.authToken("acme");

    assertThat(directory.authToken("acme")).hasValueSatisfying(t -> assertThat(t.reveal()).isEqualTo("token-2"));
  }

  @Test
  void shouldForgetTheNumbersOfADeletedCompany() {
    directory.accept("acme", company("acme", "token-1", "+15551230001"));
    directory.accept("acme", null);

    assertThat(directory.claimants("+15551230001")).isEmpty();
    assertThat(directory.authToken("acme")).isEmpty();
  }

  @Test
  void shouldAcceptThePreviousTokenOnlyUntilTheTimeTheRotationSet() {
    directory.accept("acme", rotated("acme", "old-token", "new-token", T0.plus(Duration.ofMinutes(10))));

    assertThat(directory.authToken("acme").map(Secret::reveal)).contains("new-token");
    now.set(T0.plus(Duration.ofMinutes(9)));
    assertThat(directory.retiredToken("acme").map(Secret::reveal)).contains("old-token");
    now.set(T0.plus(Duration.ofMinutes(10)));
    assertThat(directory.retiredToken("acme")).isEmpty();
  }

  @Test
  void shouldRevokeThePreviousTokenAtOnceWhenTheRotationSaysSo() {
    directory.accept("acme", company("acme", "old-token", "+15551230001"));
    directory.accept("acme", company("acme", "new-token", "+15551230001"));

    assertThat(directory.retiredToken("acme")).isEmpty();
  }

  @Test
  void shouldHonourARotationAfterARestartAsEveryOtherInstanceDoes() {
    CompanyConfig config = rotated("acme", "old-token", "new-token", T0.plus(Duration.ofMinutes(30)));
    TenantDirectory restarted = new TenantDirectory(cipher, clock);

    restarted.accept("acme", config);

    assertThat(restarted.retiredToken("acme").map(Secret::reveal)).contains("old-token");
  }

  @Test
  void shouldStopEveryTokenOfADeletedCompanyAtOnce() {
    directory.accept("acme", rotated("acme", "old-token", "new-token", T0.plus(Duration.ofHours(1))));

    directory.accept("acme", null);

    assertThat(directory.authToken("acme")).isEmpty();
    assertThat(directory.retiredToken("acme")).isEmpty();
  }

  private CompanyConfig rotated(String id, String previous, String current, Instant previousValidUntil) {
    return CompanyConfig.newBuilder(company(id, current, "+15551230001"))
        .setPreviousAuthToken(cipher.encrypt(id, new Secret(previous)))
        .setPreviousAuthTokenValidUntil(previousValidUntil)
        .build();
  }

  private CompanyConfig company(String id, String token, String number) {
    return CompanyConfig.newBuilder()
        .setCompanyId(id)
        .setRouting(RoutingSnapshot.newBuilder().setCompanyId(id).setAccountSid("AC" + "1".repeat(32))
            .setRoutingMode(RoutingMode.VOICEMAIL).build())
        .setAuthToken(cipher.encrypt(id, new Secret(token)))
        .setPhoneNumbers(List.of(PhoneNumberEntry.newBuilder().setRaw(number).setE164(number)
            .setStatus(NumberStatus.ACTIVE).setPrimary(true).setSource(NumberSource.PHONE_NUMBERS).build()))
        .setMirroredAt(T0)
        .build();
  }
}
