package io.switchboard.ingress;

import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.schemas.common.EncryptedSecret;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The ingress's read-only view of tenant credentials, kept from {@code tenants.company-config}:
 * which companies claim a number, and each company's Auth Token, decrypted on first use and kept
 * only in memory. It answers "whose token may sign a webhook for this number", nothing more; which
 * company a webhook is finally routed to is the resolver's decision. A token replaced by a rotation
 * stays valid only as long as the company's config says (set by whoever rotated it, zero to revoke
 * at once), so every instance and a restarted one agree; a deleted company's tokens stop at once.
 */
public final class TenantDirectory implements BiConsumer<String, CompanyConfig> {

  /** A decrypted token and the ciphertext it came from, so that a stale entry is never used. */
  private record Decrypted(EncryptedSecret source, Secret token) {}

  private final BiFunction<String, EncryptedSecret, Secret> decrypt;
  private final Clock clock;
  private final Map<String, CompanyConfig> companies = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> companiesByNumber = new ConcurrentHashMap<>();
  private final Map<String, Decrypted> tokens = new ConcurrentHashMap<>();
  private final Map<String, Decrypted> previousTokens = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> companiesByAccount = new ConcurrentHashMap<>();

  public TenantDirectory(CredentialCipher cipher, Clock clock) {
    this(cipher::decrypt, clock);
  }

  TenantDirectory(BiFunction<String, EncryptedSecret, Secret> decrypt, Clock clock) {
    this.decrypt = decrypt;
    this.clock = clock;
  }

  /** Applies one record of the company-config topic; null is a deleted company. */
  @Override
  public synchronized void accept(String companyId, CompanyConfig config) {
    CompanyConfig previous = config == null ? companies.remove(companyId) : companies.put(companyId, config);
    tokens.remove(companyId);
    previousTokens.remove(companyId);
    if (previous != null && previous.getRouting().getAccountSid() != null) {
      companiesByAccount.computeIfPresent(previous.getRouting().getAccountSid(), (sid, ids) -> {
        ids.remove(companyId);
        return ids.isEmpty() ? null : ids;
      });
    }
    if (config != null && config.getRouting().getAccountSid() != null) {
      companiesByAccount.computeIfAbsent(config.getRouting().getAccountSid(), sid -> ConcurrentHashMap.newKeySet())
          .add(companyId);
    }
    if (previous != null) {
      for (PhoneNumberEntry entry : previous.getPhoneNumbers()) {
        if (entry.getE164() != null) {
          companiesByNumber.computeIfPresent(entry.getE164(), (n, ids) -> {
            ids.remove(companyId);
            return ids.isEmpty() ? null : ids;
          });
        }
      }
    }
    if (config != null) {
      for (PhoneNumberEntry entry : config.getPhoneNumbers()) {
        if (entry.getE164() != null) {
          companiesByNumber.computeIfAbsent(entry.getE164(), n -> ConcurrentHashMap.newKeySet()).add(companyId);
        }
      }
    }
  }

  /** Companies that claim the number, in a stable order. */
  public List<String> claimants(String e164) {
    Set<String> ids = companiesByNumber.get(e164);
    return ids == null ? List.of() : ids.stream().sorted().toList();
  }

  /** Companies whose Twilio account is this one, in a stable order. */
  public List<String> companiesOfAccount(String accountSid) {
    Set<String> ids = accountSid == null ? null : companiesByAccount.get(accountSid);
    return ids == null ? List.of() : ids.stream().sorted().toList();
  }

  public Optional<CompanyConfig> company(String companyId) {
    return Optional.ofNullable(companies.get(companyId));
  }

  /**
   * The Auth Token of the company's current config, decrypted once and then kept. The kept token is
   * checked against the current config's ciphertext on every read, so a rotation that lands while
   * a token is being decrypted can never leave the old token in place of the new one.
   *
   * @throws io.switchboard.domain.crypto.CredentialException when the stored token does not decrypt
   */
  public Optional<Secret> authToken(String companyId) {
    CompanyConfig config = companies.get(companyId);
    return config == null ? Optional.empty() : decrypted(tokens, companyId, config.getAuthToken());
  }

  /**
   * The token the company's config says its last rotation replaced, while the config says it is
   * still valid.
   */
  public Optional<Secret> retiredToken(String companyId) {
    CompanyConfig config = companies.get(companyId);
    if (config == null || config.getPreviousAuthToken() == null || config.getPreviousAuthTokenValidUntil() == null
        || !clock.instant().isBefore(config.getPreviousAuthTokenValidUntil())) {
      return Optional.empty();
    }
    return decrypted(previousTokens, companyId, config.getPreviousAuthToken());
  }

  private Optional<Secret> decrypted(Map<String, Decrypted> cache, String companyId, EncryptedSecret source) {
    if (source == null) {
      return Optional.empty();
    }
    Decrypted cached = cache.get(companyId);
    if (cached != null && (cached.source() == source || cached.source().equals(source))) {
      return Optional.of(cached.token());
    }
    Secret token = decrypt.apply(companyId, source);
    cache.put(companyId, new Decrypted(source, token));
    return Optional.of(token);
  }

  public int size() {
    return companies.size();
  }
}
