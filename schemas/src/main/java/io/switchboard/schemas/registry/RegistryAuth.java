package io.switchboard.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How Switchboard authenticates to the schema registry and which certificates it trusts: HTTP basic
 * auth ({@code user:password}, as Confluent's {@code basic.auth.user.info}), or a bearer token, and
 * a trust store for a registry whose certificate the JVM's default trust does not cover. Its
 * {@link #toString()} never shows a secret.
 *
 * @param basicAuthUserInfo {@code user:password}, or null
 * @param bearerToken a token sent as {@code Authorization: Bearer}, or null
 * @param trustStore path of a trust store (PKCS12 or JKS), or null for the JVM's default trust
 * @param trustStorePassword its password, or null
 * @param trustStoreType {@code PKCS12} (default) or {@code JKS}
 */
public record RegistryAuth(String basicAuthUserInfo, String bearerToken, String trustStore, String trustStorePassword,
    String trustStoreType) {

  public static final RegistryAuth NONE = new RegistryAuth(null, null, null, null, null);

  public RegistryAuth {
    if (present(basicAuthUserInfo) && present(bearerToken)) {
      throw new IllegalArgumentException("schema registry: give basic auth or a bearer token, not both");
    }
    if (present(basicAuthUserInfo) && !basicAuthUserInfo.contains(":")) {
      throw new IllegalArgumentException("schema registry basic auth must be user:password");
    }
  }

  /** The Authorization header's value, if any. */
  public Optional<String> authorization() {
    if (present(basicAuthUserInfo)) {
      return Optional.of("Basic " + Base64.getEncoder().encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8)));
    }
    if (present(bearerToken)) {
      return Optional.of("Bearer " + bearerToken);
    }
    return Optional.empty();
  }

  /** An SSL context trusting the configured trust store, if one is configured. */
  public Optional<SSLContext> sslContext() {
    if (!present(trustStore)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(Path.of(trustStore))) {
      KeyStore store = KeyStore.getInstance(present(trustStoreType) ? trustStoreType : "PKCS12");
      store.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return Optional.of(context);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("schema registry trust store " + trustStore + " cannot be loaded: "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public String toString() {
    return "RegistryAuth[" + (present(basicAuthUserInfo) ? "basic user " + basicAuthUserInfo.split(":", 2)[0]
        : present(bearerToken) ? "bearer token" : "none")
        + (present(trustStore) ? ", trust store " + trustStore : "") + "]";
  }
}
