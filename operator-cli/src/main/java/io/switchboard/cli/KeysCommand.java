package io.switchboard.cli;

import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.security.JwtKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard keys generate | token | rotate}: the secrets a deployment starts with (the
 * credential keyset and a JWT signing key, written to the {@code .env} file the compose stack reads),
 * development tokens signed with that key, and key rotation.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Generate a deployment's secrets, sign development tokens, rotate the credential keyset.",
    subcommands = {KeysCommand.Generate.class, KeysCommand.Token.class, KeysCommand.Rotate.class})
final class KeysCommand {

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write a new credential keyset, the public half of a new JWT signing key and a Grafana admin "
          + "password to an .env file (read by docker-compose.yml), and the signing key beside it.")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--env-file", defaultValue = ".env", description = "File to write (default: ${DEFAULT-VALUE})")
    Path envFile;

    @Option(names = "--force", description = "Replace an existing file (the old keyset can then no longer decrypt "
        + "stored tokens)")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path signingKey = envFile.resolveSibling("jwt-signing-key.pem");
      if (!force && (Files.exists(envFile) || Files.exists(signingKey))) {
        spec.commandLine().getErr().printf("%s or %s exists; use --force to replace them%n", envFile, signingKey);
        return 2;
      }
      JwtKeys jwt = JwtKeys.generate();
      String keyset = CredentialCipher.generateKeysetJson().replaceAll("\\s*\\n\\s*", "");
      byte[] password = new byte[18];
      new SecureRandom().nextBytes(password);
      String env = "# Switchboard's secrets for docker-compose.yml, written by './switchboard keys generate'.\n"
          + "# Keep this file private and backed up: the keyset decrypts every stored Auth Token.\n"
          + "SWITCHBOARD_CREDENTIAL_KEYSET='" + keyset + "'\n"
          + "SWITCHBOARD_JWT_PUBLIC_KEY='" + jwt.publicKeyPemOneLine() + "'\n"
          + "GRAFANA_ADMIN_PASSWORD=" + Base64.getUrlEncoder().withoutPadding().encodeToString(password) + "\n";
      writePrivate(envFile, env);
      writePrivate(signingKey, jwt.privateKeyPem());
      spec.commandLine().getOut().printf("wrote %s and the JWT signing key %s; sign a token for the APIs with "
          + "'./switchboard keys token --signing-key %s --admin'%n", envFile, signingKey, signingKey);
      spec.commandLine().getOut().flush();
      return 0;
    }

    private static void writePrivate(Path file, String content) throws IOException {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path next = Files.createTempFile(parent, file.getFileName().toString(), ".next");
      try {
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the folder's own permissions apply.
      }
      Files.writeString(next, content);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = "Print a JWT the company API and the health monitor accept, signed with the key that "
          + "'keys generate' wrote.")
  static final class Token implements Callable<Integer> {
    @Option(names = "--signing-key", defaultValue = "jwt-signing-key.pem",
        description = "PKCS#8 PEM private key (default: ${DEFAULT-VALUE})")
    Path signingKey;

    @Option(names = "--admin", description = "An admin's token (every company)")
    boolean admin;

    @Option(names = "--company", description = "A company user's token, for this company id")
    String company;

    @Option(names = "--valid-for", defaultValue = "PT12H", description = "Lifetime, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration validFor;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (admin == (company != null)) {
        spec.commandLine().getErr().println("give exactly one of --admin and --company ID");
        return 2;
      }
      JwtKeys keys = JwtKeys.fromPrivateKeyPem(Files.readString(signingKey));
      spec.commandLine().getOut().println(admin ? keys.adminToken(validFor) : keys.companyToken(company, validFor));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Add a new AES-256-GCM key to the keyset file and make it primary; old keys stay for decryption.")
  static final class Rotate implements Callable<Integer> {
    @Option(names = "--keyset-file", required = true, description = "Tink JSON keyset, rewritten in place")
    Path keysetFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String rotated = CredentialCipher.rotate(Files.readString(keysetFile));
      Path next = keysetFile.resolveSibling(keysetFile.getFileName() + ".next");
      Files.writeString(next, rotated);
      Files.move(next, keysetFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      spec.commandLine().getOut().printf("new primary key %s written to %s; deploy it to every process, then run "
          + "'switchboard credentials re-encrypt'%n",
          Integer.toUnsignedString(CredentialCipher.fromKeysetJson(rotated).primaryKeyId()), keysetFile);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
