package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.twilio.TwilioSigner;
import io.switchboard.schemas.kafka.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile input against the running ingress and company API: random and boundary form
 * and JSON bodies, headers, encodings, content types, sizes, methods, signatures and JWTs, 10,000
 * requests from a fixed seed. No answer is a 5xx while Kafka is up, nothing unauthenticated reaches
 * the main topics, and every refused webhook is either on the rejection topic or counted.
 */
class HostileRunIT {

  private static final long SEED = 20261201L;
  private static final int INGRESS_REQUESTS = 7_000;
  private static final int API_REQUESTS = 3_000;
  private static final List<String> WEBHOOK_PATHS = List.of("/api/twilio/voice", "/api/twilio/sms",
      "/api/twilio/call-status", "/api/twilio/recording", "/api/twilio/transcription", "/api/twilio/dial-action");
  private static final List<String> OTHER_PATHS = List.of("/api/twilio/whisper", "/api/twilio/deferred-twiml",
      "/api/twilio/..%2f..%2factuator", "/api/twilio/voice/extra", "/nothing-here", "/api/twilio/%00");
  private static final List<String> CONTENT_TYPES = List.of("application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded; charset=ISO-8859-1", "application/json", "text/plain", "multipart/form-data",
      "application/xml", "", "application/x-www-form-urlencoded;;;");
  private static final List<String> FIELDS = List.of("AccountSid", "CallSid", "MessageSid", "To", "From", "Body",
      "CallStatus", "Direction", "RecordingUrl", "Digits", "ApiVersion", "x");
  private static final List<String> VALUES = List.of("", " ", "+15551230001", "+1 (555) 123-0001", "client:alice",
      "sip:a@b.c", "%", "%zz", "\u0000", "☎️", "A".repeat(5000), "' OR 1=1 --", "<Response/>", "${jndi:ldap://x}",
      "AC" + "0".repeat(32), "../../etc/passwd", "outbound-api", "-1", "9".repeat(40));
  private static final Pattern SAMPLE = Pattern.compile("^switchboard_webhook_rejections_unrecorded_total\\{[^}]*} ([0-9.E]+)",
      Pattern.MULTILINE);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldAnswerTenThousandHostileRequestsWithoutAServerErrorOrAnUnauthenticatedWrite() throws Exception {
    SwitchboardServices services = SharedStack.services();
    Random random = new Random(SEED);
    String marker = "hostile" + Long.toHexString(System.nanoTime());
    double unrecordedBefore = unrecorded(services);
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> serverErrors = new ArrayList<>();
    int refusedWebhooks = 0;

    for (int i = 0; i < INGRESS_REQUESTS; i++) {
      boolean webhook = random.nextInt(10) < 8;
      String path = webhook ? pick(random, WEBHOOK_PATHS) : pick(random, OTHER_PATHS);
      String url = services.ingressUrl() + path + "?run=" + marker + (random.nextBoolean() ? "" : "&companyId="
          + pick(random, List.of("acme", "", "%00", "x".repeat(300))) + "&eventId=e" + i);
      HttpResponse<String> answer = send(ingressRequest(random, url, marker, i));
      statuses.merge(answer.statusCode(), 1, Integer::sum);
      if (answer.statusCode() >= 500) {
        serverErrors.add(path + " -> " + answer.statusCode() + " " + abbreviate(answer.body()));
      }
      boolean postedToWebhook = webhook && !path.contains("..") && answer.statusCode() != 404
          && answer.statusCode() != 405;
      if (postedToWebhook && answer.statusCode() >= 400 && answer.statusCode() < 500) {
        refusedWebhooks++;
      }
    }
    for (int i = 0; i < API_REQUESTS; i++) {
      HttpResponse<String> answer = send(apiRequest(random, services));
      statuses.merge(answer.statusCode(), 1, Integer::sum);
      if (answer.statusCode() >= 500) {
        serverErrors.add("company API -> " + answer.statusCode() + " " + abbreviate(answer.body()));
      }
    }

    assertThat(serverErrors).as("5xx answers").isEmpty();
    long written = TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS).stream()
        .filter(r -> r.value() != null && r.value().getRequestUrl().contains(marker)).count();
    assertThat(written).as("unauthenticated webhooks on twilio.webhooks").isZero();
    int refused = refusedWebhooks;
    double[] counted = new double[1];
    long[] recorded = new long[1];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      recorded[0] = TopicTables.readAll(SharedStack.stack().kafkaClients(), Topics.WEBHOOKS_REJECTED).stream()
          .filter(r -> r.value() != null && r.value().getEvent().getRequestUrl().contains(marker)).count();
      counted[0] = unrecorded(services) - unrecordedBefore;
      assertThat(recorded[0] + (long) counted[0]).as("refused webhooks recorded or counted").isEqualTo(refused);
    });
    System.out.printf("hostile run: %d requests, answers by status %s, %d refused webhooks (%d on "
        + "twilio.webhooks.rejected, %d counted beyond the per-source rate), 0 on twilio.webhooks, 0 5xx%n",
        INGRESS_REQUESTS + API_REQUESTS, statuses, refused, recorded[0], (long) counted[0]);
  }

  private HttpRequest ingressRequest(Random random, String url, String marker, int i) throws Exception {
    Map<String, List<String>> form = new LinkedHashMap<>();
    int fields = random.nextInt(8);
    for (int f = 0; f < fields; f++) {
      form.computeIfAbsent(pick(random, FIELDS), k -> new ArrayList<>()).add(pick(random, VALUES));
    }
    form.put("CallSid", List.of("CA" + marker + i));
    String contentType = pick(random, CONTENT_TYPES);
    String body = switch (random.nextInt(6)) {
      case 0 -> encode(form);
      case 1 -> "{\"CallSid\":\"CA" + marker + i + "\",\"To\":" + (random.nextBoolean() ? "[1,{}]" : "null") + "}";
      case 2 -> "%%%&&&==" + "=".repeat(random.nextInt(100));
      case 3 -> "To=" + "9".repeat(random.nextBoolean() ? 70_000 : 10);
      case 4 -> new String(randomBytes(random, 1 + random.nextInt(500)), StandardCharsets.ISO_8859_1);
      default -> encode(form) + "&" + encode(form);
    };
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (!contentType.isEmpty()) {
      request.header("Content-Type", contentType);
    }
    switch (random.nextInt(5)) {
      case 0 -> { }
      case 1 -> request.header("X-Twilio-Signature", "");
      case 2 -> request.header("X-Twilio-Signature", "not/base64==" + i);
      case 3 -> request.header("X-Twilio-Signature", TwilioSigner.sign("f".repeat(32), url, form));
      default -> request.header("X-Twilio-Signature", TwilioSigner.sign("x", url, Map.of()));
    }
    if (random.nextInt(4) == 0) {
      request.header("I-Twilio-Idempotency-Token", random.nextBoolean() ? "seen-" + random.nextInt(20) : "x".repeat(2000));
    }
    if (random.nextInt(4) == 0) {
      request.header("X-Forwarded-For", "203.0.113." + random.nextInt(255));
      request.header("X-Forwarded-Proto", pick(random, List.of("https", "gopher", "")));
    }
    String method = pick(random, List.of("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH"));
    return request.method(method, method.equals("GET") || method.equals("DELETE")
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.ISO_8859_1))
        .build();
  }

  private HttpRequest apiRequest(Random random, SwitchboardServices services) throws Exception {
    String company = pick(random, List.of("acme", "6b0ee0d698fc4fb061f55d24", "%2e%2e", "x".repeat(500), "'"));
    String path = pick(random, List.of("/api/companies/" + company + "/twilio/config",
        "/api/companies/" + company + "/twilio/phone-numbers", "/api/companies/" + company + "/twilio/phone-numbers/%2B1",
        "/api/companies/" + company + "/sms", "/api/companies", "/api/admin/..;/companies", "/actuator/env"));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(services.adminUrl() + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", pick(random, List.of("application/json", "text/plain",
            "application/x-www-form-urlencoded")));
    String token = switch (random.nextInt(7)) {
      case 0 -> null;
      case 1 -> "garbage." + random.nextInt() + ".token";
      case 2 -> new PlainJWT(claims(random).build()).serialize();
      case 3 -> hmac(claims(random).build());
      case 4 -> services.tokens().companyToken("someone-else", Duration.ofMinutes(5));
      case 5 -> services.tokens().companyToken(company, Duration.ofMinutes(5));
      default -> "Bearer " + "A".repeat(9000);
    };
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    String body = pick(random, List.of("{}", "[]", "null", "{\"accountSid\":1}", "{\"authToken\":\"" + "z".repeat(10_000)
        + "\"}", "{\"to\":\"+15557654321\",\"body\":\"" + "b".repeat(2000) + "\"}", "{\"phoneNumbers\":[{}]}",
        "{" + "\"a\":".repeat(500), "\u0000"));
    String method = pick(random, List.of("GET", "PUT", "POST", "PATCH", "DELETE"));
    return request.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static JWTClaimsSet.Builder claims(Random random) {
    return new JWTClaimsSet.Builder().subject("intruder").claim("roles", List.of("admin"))
        .expirationTime(Date.from(Instant.now().plusSeconds(random.nextBoolean() ? 600 : -600)));
  }

  private static String hmac(JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner("k".repeat(64).getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  /**
   * Sends the request; once more when the connection closed before any answer, which happens when the
   * client reuses a kept-alive connection that the server closed after refusing an earlier request
   * (Twilio retries such a webhook too). No answer twice fails the run.
   */
  private HttpResponse<String> send(HttpRequest request) throws Exception {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException first) {
      return sendAgain(request);
    }
  }

  private HttpResponse<String> sendAgain(HttpRequest request) throws Exception {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException("no answer to " + request.method() + " " + request.uri() + " "
          + request.headers().map().entrySet().stream().map(h -> h.getKey() + "=" + abbreviate(String.valueOf(h.getValue())))
          .toList() + " body " + request.bodyPublisher().map(b -> b.contentLength()).orElse(-1L), e);
    }
  }

  private static double unrecorded(SwitchboardServices services) {
    Matcher m = SAMPLE.matcher(Probes.scrape(services.ingressUrl()));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String encode(Map<String, List<String>> form) {
    return form.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(v, StandardCharsets.UTF_8)))
        .collect(Collectors.joining("&"));
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) : text;
  }
}
