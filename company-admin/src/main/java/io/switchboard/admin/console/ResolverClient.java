package io.switchboard.admin.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.springframework.web.util.UriUtils;

/**
 * The resolver's explanation of a number, asked with the signed-in user's own token: an admin sees
 * everything, a company user only a number its company owns or claims. Follows the resolver's
 * redirect to the instance that holds the number, with the same token.
 */
public final class ResolverClient {

  /** What the resolver said: its answer's body when it gave one, else why there is none. */
  public record Answer(int status, JsonNode body, String problem) {}

  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final ObjectMapper json = new ObjectMapper();

  public ResolverClient(String baseUrl) {
    this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
  }

  public Answer explain(String number, String token) {
    if (baseUrl == null) {
      return new Answer(503, null, "this deployment has no resolver address (switchboard.admin.resolver-url)");
    }
    URI uri = URI.create(baseUrl + "/api/admin/numbers/" + UriUtils.encodePathSegment(number, StandardCharsets.UTF_8));
    try {
      for (int hop = 0; hop < 3; hop++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        Optional<String> location = response.headers().firstValue("Location");
        if (response.statusCode() == 307 && location.isPresent()) {
          uri = uri.resolve(location.get());
          continue;
        }
        JsonNode body = response.body().isBlank() ? null : json.readTree(response.body());
        return new Answer(response.statusCode(), body, response.statusCode() == 200 ? null
            : body != null && body.hasNonNull("error") ? body.get("error").asText() : "the resolver answered "
                + response.statusCode());
      }
      return new Answer(502, null, "the resolver redirected too often");
    } catch (IOException e) {
      return new Answer(503, null, "the resolver could not be reached");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(503, null, "interrupted");
    }
  }
}
