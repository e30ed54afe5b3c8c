package io.switchboard.system;

import io.switchboard.local.twilio.TwilioSigner;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** Posts webhooks to the ingress the way Twilio does, signed with a company's Auth Token. */
final class Webhooks {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Webhooks() {}

  static Map<String, List<String>> voiceCall(String accountSid, String callSid, String from, String to) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("AccountSid", List.of(accountSid));
    form.put("ApiVersion", List.of("2010-04-01"));
    form.put("CallSid", List.of(callSid));
    form.put("CallStatus", List.of("ringing"));
    form.put("Direction", List.of("inbound"));
    form.put("From", List.of(from));
    form.put("To", List.of(to));
    return form;
  }

  /**
   * Waits until the ingress holds the company's current token: a signed whisper request, which writes
   * nothing, is answered 200 only then. Fails after 30 s.
   */
  static void awaitIngressKnows(String ingressUrl, String companyId, String authToken) {
    Awaitility.await("the ingress has company " + companyId + "'s token")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> post(ingressUrl, "/api/twilio/whisper?companyId=" + encode(companyId),
            Map.of("CallSid", List.of("CAprobe")), authToken).statusCode() == 200);
  }

  /** Posts the form signed with the token (or unsigned when the token is null) and returns the response. */
  static HttpResponse<String> post(String baseUrl, String path, Map<String, List<String>> form, String authToken)
      throws IOException, InterruptedException {
    return post(baseUrl, path, form, authToken, Map.of());
  }

  /**
   * Posts to one instance behind a shared public URL, as a load balancer would pass it on: signed
   * over the public URL, sent to the instance's own address.
   */
  static HttpResponse<String> postVia(String instanceUrl, String publicBaseUrl, String path,
      Map<String, List<String>> form, String authToken) throws IOException, InterruptedException {
    String body = form.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
        .collect(Collectors.joining("&"));
    return HTTP.send(HttpRequest.newBuilder(URI.create(instanceUrl + path))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", TwilioSigner.sign(authToken, publicBaseUrl + path, form))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts with extra headers, e.g. Twilio's I-Twilio-Idempotency-Token. */
  static HttpResponse<String> post(String baseUrl, String path, Map<String, List<String>> form, String authToken,
      Map<String, String> headers) throws IOException, InterruptedException {
    String url = baseUrl + path;
    String body = form.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authToken != null) {
      request.header("X-Twilio-Signature", TwilioSigner.sign(authToken, url, form));
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
