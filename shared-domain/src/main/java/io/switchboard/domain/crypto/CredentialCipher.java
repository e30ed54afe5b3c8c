package io.switchboard.domain.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.switchboard.schemas.common.EncryptedSecret;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The single path by which credentials are encrypted and decrypted: Tink AEAD (AES-256-GCM) under a
 * versioned keyset. Each ciphertext names the key that made it, so rotating the primary key keeps
 * old ciphertexts readable. The company id is the associated data: a ciphertext moved to another
 * company's record fails to decrypt instead of lending that company someone else's token.
 */
public final class CredentialCipher {

  public static final String SCHEME = "tink-aead-v1";

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Aead aead;
  private final int primaryKeyId;

  private CredentialCipher(Aead aead, int primaryKeyId) {
    this.aead = aead;
    this.primaryKeyId = primaryKeyId;
  }

  /** Reads a keyset in Tink's JSON format, as kept in a keyset file or an environment variable. */
  public static CredentialCipher fromKeysetJson(String keysetJson) {
    try {
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get());
      return new CredentialCipher(handle.getPrimitive(RegistryConfiguration.get(), Aead.class),
          handle.getPrimary().getId());
    } catch (GeneralSecurityException | RuntimeException e) {
      // The keyset itself is secret: name the problem, never the content.
      throw new IllegalArgumentException("The credential keyset could not be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** A new keyset with one AES-256-GCM key, for a local stack or a first deployment. */
  public static String generateKeysetJson() {
    try {
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot generate a keyset", e);
    }
  }

  public EncryptedSecret encrypt(String companyId, Secret plaintext) {
    try {
      byte[] ciphertext = aead.encrypt(plaintext.reveal().getBytes(StandardCharsets.UTF_8), associatedData(companyId));
      return EncryptedSecret.newBuilder().setScheme(SCHEME).setCiphertext(ByteBuffer.wrap(ciphertext)).build();
    } catch (GeneralSecurityException e) {
      throw new CredentialException("Cannot encrypt the credential of company " + companyId);
    }
  }

  public Secret decrypt(String companyId, EncryptedSecret encrypted) {
    if (!SCHEME.equals(encrypted.getScheme())) {
      throw new CredentialException("Unknown credential scheme '" + encrypted.getScheme() + "' for company " + companyId);
    }
    ByteBuffer buffer = encrypted.getCiphertext().duplicate();
    byte[] ciphertext = new byte[buffer.remaining()];
    buffer.get(ciphertext);
    try {
      return new Secret(new String(aead.decrypt(ciphertext, associatedData(companyId)), StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new CredentialException("The credential of company " + companyId
          + " does not decrypt with the configured keyset (wrong key or not this company's ciphertext)");
    }
  }

  /**
   * The keyset with one more AES-256-GCM key, made primary: new ciphertexts use it, and every
   * ciphertext of the older keys still decrypts. Remove old keys only once nothing uses them.
   */
  public static String rotate(String keysetJson) {
    try {
      KeysetHandle current = TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get());
      KeysetHandle.Builder builder = KeysetHandle.newBuilder(current);
      builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId());
      builder.getAt(builder.size() - 1).makePrimary();
      return TinkJsonProtoKeysetFormat.serializeKeyset(builder.build(), InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("The credential keyset could not be rotated (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Id of the key new ciphertexts are made with. */
  public int primaryKeyId() {
    return primaryKeyId;
  }

  /** Id of the key a ciphertext was made with (Tink's 5-byte prefix: version byte, then the key id). */
  public static int keyIdOf(EncryptedSecret encrypted) {
    ByteBuffer buffer = encrypted.getCiphertext().duplicate();
    if (buffer.remaining() < 5) {
      throw new CredentialException("Ciphertext too short to name its key");
    }
    buffer.get();
    return buffer.getInt();
  }

  /** True when the ciphertext was made with a key other than the current primary one. */
  public boolean needsReEncryption(EncryptedSecret encrypted) {
    return keyIdOf(encrypted) != primaryKeyId;
  }

  private static byte[] associatedData(String companyId) {
    return ("switchboard/company/" + companyId).getBytes(StandardCharsets.UTF_8);
  }
}
