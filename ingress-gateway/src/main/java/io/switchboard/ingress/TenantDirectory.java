package io.switchboard.ingress;

import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.PhoneNumberEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The ingress's read-only view of tenant credentials, kept from {@code tenants.company-config}:
 * which companies claim a number, and each company's Auth Token, decrypted on first use and kept
 * only in memory. It answers "whose token may sign a webhook for this number", nothing more; which
 * company a webhook is finally routed to is the resolver's decision.
 */
public final class TenantDirectory implements BiConsumer<String, CompanyConfig> {

  private final CredentialCipher cipher;
  private final Map<String, CompanyConfig> companies = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> companiesByNumber = new ConcurrentHashMap<>();
  private final Map<String, Secret> tokens = new ConcurrentHashMap<>();

  public TenantDirectory(CredentialCipher cipher) {
    this.cipher = cipher;
  }

  /** Applies one record of the company-config topic; null is a deleted company. */
  @Override
  public synchronized void accept(String companyId, CompanyConfig config) {
    CompanyConfig previous = config == null ? companies.remove(companyId) : companies.put(companyId, config);
    tokens.remove(companyId);
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

  public Optional<CompanyConfig> company(String companyId) {
    return Optional.ofNullable(companies.get(companyId));
  }

  /** The company's Auth Token, when it has one that decrypts. */
  public Optional<Secret> authToken(String companyId) {
    CompanyConfig config = companies.get(companyId);
    if (config == null || config.getAuthToken() == null) {
      return Optional.empty();
    }
    return Optional.of(tokens.computeIfAbsent(companyId, id -> cipher.decrypt(id, config.getAuthToken())));
  }

  public int size() {
    return companies.size();
  }
}
