package io.switchboard.cli;

import io.switchboard.domain.crypto.CredentialCipher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code switchboard keys rotate}: add a new primary key to a keyset file, keeping the old keys. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage the credential keyset.",
    subcommands = KeysCommand.Rotate.class)
final class KeysCommand {

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
      Files.move(next, keysetFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      spec.commandLine().getOut().printf("new primary key %s written to %s; deploy it to every process, then run "
          + "'switchboard credentials re-encrypt'%n",
          Integer.toUnsignedString(CredentialCipher.fromKeysetJson(rotated).primaryKeyId()), keysetFile);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
