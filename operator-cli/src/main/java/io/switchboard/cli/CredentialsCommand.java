package io.switchboard.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.domain.crypto.CredentialCipher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code switchboard credentials migrate | re-encrypt}: rewrite the tokens stored in MongoDB. */
@Command(name = "credentials", mixinStandardHelpOptions = true,
    description = "Encrypt legacy plaintext Auth Tokens, or move tokens to the keyset's primary key.",
    subcommands = {CredentialsCommand.Migrate.class, CredentialsCommand.ReEncrypt.class})
final class CredentialsCommand {

  /** Where the companies are, and the keyset. */
  static final class Target {
    @Option(names = "--mongo-uri", required = true, description = "MongoDB holding the companies")
    String mongoUri;

    @Option(names = "--database", required = true, description = "Database of the companies collection")
    String database;

    @Option(names = "--collection", defaultValue = "v2companies", description = "Companies collection (default: ${DEFAULT-VALUE})")
    String collection;

    @Option(names = "--keyset-file", description = "Tink JSON keyset; default: the SWITCHBOARD_CREDENTIALKEYSET environment variable")
    Path keysetFile;

    @Option(names = "--dry-run", description = "Report what would change, change nothing")
    boolean dryRun;

    List<CredentialMaintenance.Change> run(boolean migrate) throws Exception {
      String keyset = keysetFile != null ? Files.readString(keysetFile) : System.getenv("SWITCHBOARD_CREDENTIALKEYSET");
      if (keyset == null || keyset.isBlank()) {
        throw new IllegalArgumentException("no keyset: give --keyset-file or set SWITCHBOARD_CREDENTIALKEYSET");
      }
      try (MongoClient mongo = MongoClients.create(mongoUri)) {
        CredentialMaintenance maintenance = new CredentialMaintenance(
            mongo.getDatabase(database).getCollection(collection), CredentialCipher.fromKeysetJson(keyset));
        return migrate ? maintenance.migrate(dryRun) : maintenance.reEncrypt(dryRun);
      }
    }
  }

  static void report(PrintWriter out, List<CredentialMaintenance.Change> changes, boolean dryRun) {
    changes.forEach(change -> out.printf("%s: %s%n", change.companyId(), change.what()));
    out.printf("%d companies %s%n", changes.size(), dryRun ? "would change (dry run)" : "changed");
    out.flush();
  }

  /** One rewrite of the stored tokens, reported per company. */
  private abstract static class Rewrite implements Callable<Integer> {
    @Mixin
    Target target;

    @Spec
    CommandSpec spec;

    abstract boolean migrate();

    @Override
    public Integer call() throws Exception {
      report(spec.commandLine().getOut(), target.run(migrate()), target.dryRun);
      return 0;
    }
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Encrypt every legacy plaintext Auth Token with the keyset's primary key.")
  static final class Migrate extends Rewrite {
    @Override
    boolean migrate() {
      return true;
    }
  }

  @Command(name = "re-encrypt", mixinStandardHelpOptions = true,
      description = "Encrypt again, with the primary key, every token encrypted with an older key.")
  static final class ReEncrypt extends Rewrite {
    @Override
    boolean migrate() {
      return false;
    }
  }
}
