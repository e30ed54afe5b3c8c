package io.switchboard.admin;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param mongoUri {@code switchboard.admin.mongo-uri}: MongoDB holding the companies
 * @param database {@code switchboard.admin.database}: its database
 * @param collection {@code switchboard.admin.collection}: the companies collection, v2companies by default
 * @param uniqueNumberIndex {@code switchboard.admin.unique-number-index}: create the partial unique index on the
 *     numbers of phoneNumbers[] (default true); off only for servers that do not honour partial indexes
 * @param resolverUrl {@code switchboard.admin.resolver-url}: the tenant resolver's HTTP address, for the
 *     console's "explain a number" (empty: the console says explanations are not available)
 */
@Validated
@ConfigurationProperties("switchboard.admin")
public record AdminProperties(@NotBlank String mongoUri, @NotBlank String database, String collection,
    Boolean uniqueNumberIndex, String resolverUrl) {

  public AdminProperties {
    collection = collection == null || collection.isBlank() ? "v2companies" : collection;
    uniqueNumberIndex = uniqueNumberIndex == null || uniqueNumberIndex;
  }
}
