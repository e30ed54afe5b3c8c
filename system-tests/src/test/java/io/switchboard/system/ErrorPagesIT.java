package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.local.SwitchboardServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever goes wrong, every process answers with its API's JSON error, never a container's HTML page. */
class ErrorPagesIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldAnswerOddPathsAndUnknownRoutesWithJsonOnEveryProcess() throws Exception {
    SwitchboardServices services = SharedStack.services();
    for (String url : services.processUrls().values()) {
      for (String path : List.of("/api/..%2f..%2fetc%2fpasswd", "/no-such-page", "/api/twilio/voice%00",
          "/%2e%2e/actuator")) {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
            .header("Accept", "text/html,application/xhtml+xml").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(url + path).isBetween(400, 499);
        assertThat(response.body()).as(url + path).doesNotContainIgnoringCase("<html")
            .doesNotContain("Apache Tomcat").doesNotContain("Whitelabel");
        if (!response.body().isEmpty()) {
          assertThat(response.headers().firstValue("Content-Type")).as(url + path)
              .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        }
      }
    }
  }
}
