package io.switchboard.domain.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.schemas.common.EncryptedSecret;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CredentialCipherTest {

  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  private final CredentialCipher cipher = CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson());

  @Test
  void shouldDecryptWhatItEncryptedForTheSameCompany() {
    EncryptedSecret encrypted = cipher.encrypt("acme", new Secret(TOKEN));

    assertThat(cipher.decrypt("acme", encrypted).reveal()).isEqualTo(TOKEN);
    assertThat(encrypted.getScheme()).isEqualTo(CredentialCipher.SCHEME);
  }

  @Test
  void shouldNotContainThePlaintextInTheCiphertext() {
    EncryptedSecret encrypted = cipher.encrypt("acme", new Secret(TOKEN));

    byte[] bytes = new byte[encrypted.getCiphertext().remaining()];
    encrypted.getCiphertext().duplicate().get(bytes);
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);
  }

  @Test
  void shouldRefuseToDecryptAnotherCompanysCiphertext() {
    EncryptedSecret encrypted = cipher.encrypt("acme", new Secret(TOKEN));

    assertThatThrownBy(() -> cipher.decrypt("globex", encrypted))
        .isInstanceOf(CredentialException.class)
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void shouldRefuseCiphertextMadeWithAnotherKeyset() {
    CredentialCipher other = CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson());

    assertThatThrownBy(() -> other.decrypt("acme", cipher.encrypt("acme", new Secret(TOKEN))))
        .isInstanceOf(CredentialException.class);
  }

  @Test
  void shouldNameNoKeyMaterialWhenTheKeysetIsUnreadable() {
    assertThatThrownBy(() -> CredentialCipher.fromKeysetJson("{\"primaryKeyId\": 1, \"key\": \"s3cr3t\"}"))
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void shouldMaskSecretsWhenPrinted() {
    Secret secret = new Secret(TOKEN);

    assertThat(secret.toString()).doesNotContain(TOKEN).doesNotContain("cdef");
    assertThat(secret.masked()).isEqualTo("****cdef");
  }

  @Test
  void shouldKeepOldCiphertextsReadableAfterAKeyRotationAndWriteWithTheNewKey() {
    String keyset = CredentialCipher.generateKeysetJson();
    CredentialCipher before = CredentialCipher.fromKeysetJson(keyset);
    EncryptedSecret old = before.encrypt("acme", new Secret(TOKEN));

    CredentialCipher after = CredentialCipher.fromKeysetJson(CredentialCipher.rotate(keyset));
    EncryptedSecret fresh = after.encrypt("acme", new Secret(TOKEN));

    assertThat(after.decrypt("acme", old).reveal()).isEqualTo(TOKEN);
    assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
    assertThat(CredentialCipher.keyIdOf(old)).isEqualTo(before.primaryKeyId());
    assertThat(CredentialCipher.keyIdOf(fresh)).isEqualTo(after.primaryKeyId());
    assertThat(after.needsReEncryption(old)).isTrue();
    assertThat(after.needsReEncryption(fresh)).isFalse();
    assertThatThrownBy(() -> before.decrypt("acme", fresh)).isInstanceOf(CredentialException.class);
  }
}
