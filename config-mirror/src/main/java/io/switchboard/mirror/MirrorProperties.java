package io.switchboard.mirror;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param mongoUri {@code switchboard.mirror.mongo-uri}: MongoDB holding the companies (a replica set, for change streams)
 * @param database {@code switchboard.mirror.database}: database of the companies collection
 * @param collection {@code switchboard.mirror.collection}: the companies collection, v2companies by default
 */
@Validated
@ConfigurationProperties("switchboard.mirror")
public record MirrorProperties(@NotBlank String mongoUri, @NotBlank String database, String collection) {

  public MirrorProperties {
    collection = collection == null || collection.isBlank() ? "v2companies" : collection;
  }
}
