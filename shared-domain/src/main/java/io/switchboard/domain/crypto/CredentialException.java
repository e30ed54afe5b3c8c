package io.switchboard.domain.crypto;

/** A credential could not be encrypted or decrypted. The message never contains key or plaintext. */
public class CredentialException extends RuntimeException {
  public CredentialException(String message) {
    super(message);
  }
}
