package io.switchboard.domain.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.twilio.http.TwilioRestClient;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.CredentialException;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.tenants.CompanyConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Over generated tenants and requests to act for them: every client handed out carries the Account
 * SID of the company it acts for, and a config of one company never yields a client for another,
 * even when its ciphertext is copied into the other's config.
 */
class TenantClientsPropertyTest {

  private final CredentialCipher cipher = CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson());

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(10);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldActForACompanyOnlyWithThatCompanysOwnAccount(long seed) {
    Random random = new Random(seed);
    TenantClients clients = new TenantClients(cipher,
        new TwilioClientFactory(TwilioApiTarget.standIn("http://127.0.0.1:9")));
    List<CompanyConfig> companies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String id = "company-" + seed + "-" + i;
      companies.add(config(id, String.format("AC%032x", random.nextLong() & Long.MAX_VALUE), "token-" + random.nextLong(),
          id));
    }
    for (int request = 0; request < 300; request++) {
      CompanyConfig owner = companies.get(random.nextInt(companies.size()));
      CompanyConfig other = companies.get(random.nextInt(companies.size()));

      TwilioRestClient client = clients.forCompany(owner.getCompanyId(), owner);
      assertThat(client.getAccountSid()).isEqualTo(owner.getRouting().getAccountSid());

      if (!other.getCompanyId().equals(owner.getCompanyId())) {
        assertThatThrownBy(() -> clients.forCompany(owner.getCompanyId(), other))
            .isInstanceOf(IllegalArgumentException.class);
        CompanyConfig stolen = CompanyConfig.newBuilder(owner).setAuthToken(other.getAuthToken()).build();
        assertThatThrownBy(() -> clients.forCompany(owner.getCompanyId(), stolen))
            .isInstanceOf(CredentialException.class);
      }
    }
  }

  private CompanyConfig config(String id, String accountSid, String token, String encryptedFor) {
    return CompanyConfig.newBuilder()
        .setCompanyId(id)
        .setRouting(RoutingSnapshot.newBuilder().setCompanyId(id).setAccountSid(accountSid)
            .setRoutingMode(RoutingMode.VOICEMAIL).build())
        .setAuthToken(cipher.encrypt(encryptedFor, new Secret(token)))
        .setMirroredAt(Instant.EPOCH)
        .build();
  }

  @Test
  void shouldTellAConfigNotYetKnownFromAConfigOfAnotherCompany() {
    TenantClients clients = new TenantClients(cipher, new TwilioClientFactory(TwilioApiTarget.standIn("http://127.0.0.1:1")));

    assertThatThrownBy(() -> clients.forCompany("just-created", null)).isInstanceOf(CompanyNotKnownException.class);
  }
}
