package io.switchboard.cli;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.companies.CompanyVersion;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.crypto.TokenDocuments;
import io.switchboard.schemas.common.EncryptedSecret;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Rewrites the Auth Tokens stored in company documents: legacy plaintext tokens encrypted
 * ({@link #migrate}), and tokens encrypted with an older key encrypted again with the primary one
 * ({@link #reEncrypt}). Each reports what it changed, by company, never the tokens.
 */
final class CredentialMaintenance {

  /** What happened to one company's token. */
  record Change(String companyId, String what) {}

  private final MongoCollection<Document> companies;
  private final CredentialCipher cipher;

  CredentialMaintenance(MongoCollection<Document> companies, CredentialCipher cipher) {
    this.companies = companies;
    this.cipher = cipher;
  }

  List<Change> migrate(boolean dryRun) {
    List<Change> changes = new ArrayList<>();
    for (Document company : companies.find(Filters.exists("twilioConfig.authToken"))) {
      String id = id(company.get("_id"));
      Object value = CompanyDocument.of(company).twilio().get(CompanyDocument.AUTH_TOKEN);
      if (!TokenDocuments.isPlaintext(value)) {
        continue;
      }
      if (!dryRun && !replaceTokenIfUnchanged(company, value,
          TokenDocuments.toDocument(cipher.encrypt(id, new Secret((String) value))))) {
        changes.add(new Change(id, "NOT encrypted: the token changed meanwhile; run again"));
        continue;
      }
      changes.add(new Change(id, dryRun ? "plaintext token would be encrypted" : "plaintext token encrypted"));
    }
    return changes;
  }

  List<Change> reEncrypt(boolean dryRun) {
    List<Change> changes = new ArrayList<>();
    for (Document company : companies.find(Filters.exists("twilioConfig.authToken.ciphertext"))) {
      String id = id(company.get("_id"));
      EncryptedSecret encrypted = TokenDocuments.encrypted(CompanyDocument.of(company).twilio().get(CompanyDocument.AUTH_TOKEN));
      if (encrypted == null || !cipher.needsReEncryption(encrypted)) {
        continue;
      }
      int oldKey = CredentialCipher.keyIdOf(encrypted);
      try {
        Secret token = cipher.decrypt(id, encrypted);
        if (!dryRun && !replaceTokenIfUnchanged(company, CompanyDocument.of(company).twilio().get(CompanyDocument.AUTH_TOKEN),
            TokenDocuments.toDocument(cipher.encrypt(id, token)))) {
          changes.add(new Change(id, "NOT moved: the token changed meanwhile; run again"));
          continue;
        }
        changes.add(new Change(id, (dryRun ? "would move" : "moved") + " from key " + Integer.toUnsignedString(oldKey)
            + " to key " + Integer.toUnsignedString(cipher.primaryKeyId())));
      } catch (RuntimeException e) {
        changes.add(new Change(id, "NOT moved: " + e.getMessage()));
      }
    }
    return changes;
  }

  /**
   * Writes the new form of the token only if the stored token is still the one read, and counts the
   * write in the document's version: a rotation that lands meanwhile is never undone.
   *
   * @return whether the token was replaced
   */
  boolean replaceTokenIfUnchanged(Document company, Object tokenAsRead, Object replacement) {
    return companies.updateOne(
        Filters.and(Filters.eq("_id", company.get("_id")), Filters.eq("twilioConfig.authToken", tokenAsRead)),
        Updates.combine(Updates.set("twilioConfig.authToken", replacement),
            Updates.inc(CompanyVersion.FIELD, 1L))).getMatchedCount() == 1;
  }

  private static String id(Object id) {
    return id instanceof ObjectId objectId ? objectId.toHexString() : String.valueOf(id);
  }
}
