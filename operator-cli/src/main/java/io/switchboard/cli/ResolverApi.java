package io.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The resolver's diagnostics API, following redirects to the instance that holds a number. */
final class ResolverApi {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String baseUrl;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** @param token an admin JWT, or null (the API then answers 401) */
  ResolverApi(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  /** URLEncoder encodes for forms (space as +); a path segment needs %20, while a literal + is already %2B. */
  JsonNode explain(String number) {
    return get("/api/admin/numbers/" + URLEncoder.encode(number, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  JsonNode conflicts() {
    return get("/api/admin/numbers/conflicts");
  }

  private JsonNode get(String path) {
    HttpResponse<String> response;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
      if (token != null && !token.isBlank()) {
        request.header("Authorization", "Bearer " + token);
      }
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IllegalStateException("cannot reach the resolver at " + baseUrl + " (is it running? see --resolver-url)", e);
    } catch (IOException e) {
      throw new IllegalStateException("resolver at " + baseUrl + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new IllegalStateException("resolver answered " + response.statusCode() + ": an admin token is required "
          + "(--token or SWITCHBOARD_TOKEN; './switchboard keys token --admin' signs one)");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("resolver answered " + response.statusCode() + " with a body that is not JSON", e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("resolver answered " + response.statusCode() + ": " + body.path("error").asText());
    }
    return body;
  }
}
