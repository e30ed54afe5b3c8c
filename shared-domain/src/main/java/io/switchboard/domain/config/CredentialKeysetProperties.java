package io.switchboard.domain.config;

import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Tink keyset that encrypts Auth Tokens, for the processes that read or write them (every one
 * but the resolver): given inline or as a file, one of the two required. {@link #toString()} never
 * shows the keyset.
 *
 * @param credentialKeyset {@code switchboard.credential-keyset}: the keyset (JSON)
 * @param credentialKeysetFile {@code switchboard.credential-keyset-file}: a file holding it, instead
 */
@Validated
@ConfigurationProperties("switchboard")
public record CredentialKeysetProperties(String credentialKeyset, String credentialKeysetFile) {

  /** One of the two is given. */
  @AssertTrue(message = "switchboard.credential-keyset or switchboard.credential-keyset-file is required")
  public boolean isGiven() {
    return present(credentialKeyset) || present(credentialKeysetFile);
  }

  public boolean fromFile() {
    return present(credentialKeysetFile);
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public String toString() {
    return "CredentialKeysetProperties[" + (fromFile() ? "file " + credentialKeysetFile
        : present(credentialKeyset) ? "inline keyset" : "none") + "]";
  }
}
