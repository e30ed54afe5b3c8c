package io.switchboard.domain.crypto;

import io.switchboard.schemas.common.EncryptedSecret;
import java.nio.ByteBuffer;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * How an Auth Token is kept in a company document: encrypted as {@code {scheme, ciphertext}}, or,
 * in legacy documents, as plaintext. The one place both forms are read and the encrypted one written.
 */
public final class TokenDocuments {

  private TokenDocuments() {}

  public static Document toDocument(EncryptedSecret encrypted) {
    ByteBuffer buffer = encrypted.getCiphertext().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return new Document("scheme", encrypted.getScheme()).append("ciphertext", new Binary(bytes));
  }

  /** The encrypted token stored in this field value, or null when it is absent or plaintext. */
  public static EncryptedSecret encrypted(Object value) {
    if (value instanceof Document document && document.get("ciphertext") instanceof Binary binary) {
      return EncryptedSecret.newBuilder().setScheme(String.valueOf(document.get("scheme")))
          .setCiphertext(ByteBuffer.wrap(binary.getData())).build();
    }
    return null;
  }

  /** True when the field value is a legacy plaintext token. */
  public static boolean isPlaintext(Object value) {
    return value instanceof String text && !text.isBlank();
  }

  /** The token in this field value, decrypted when needed; null when there is none. */
  public static Secret read(String companyId, Object value, CredentialCipher cipher) {
    if (isPlaintext(value)) {
      return new Secret((String) value);
    }
    EncryptedSecret encrypted = encrypted(value);
    return encrypted == null ? null : cipher.decrypt(companyId, encrypted);
  }
}
