package io.switchboard.local.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import io.switchboard.domain.twilio.FormFields;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.net.WWWFormCodec;

/**
 * A stand-in for Twilio's REST API on 127.0.0.1, for the local stack and the tests. Each account is
 * registered with its Auth Token and a behaviour (answer normally, reject the credentials, report
 * the account suspended, fail with 500 or 429, answer slowly). Every request is checked against
 * Twilio's OpenAPI description and against HTTP Basic auth with the Account SID of the path, and
 * kept for assertions; a request that breaks the contract is answered 400 and listed in
 * {@link #violations()}.
 */
public final class TwilioStandIn implements AutoCloseable {

  /** How an account answers. */
  public enum Behaviour { OK, UNAUTHORIZED, SUSPENDED, CLOSED, SERVER_ERROR, RATE_LIMITED, SLOW,
    /** Alternates 500 and 429. */
    FLAKY,
    /** Acts on the request (sends the message, updates the call), then drops the connection unanswered. */
    ACT_THEN_DROP }

  /**
   * One request as received.
   *
   * @param status the answer's status, 0 for a request acted on and never answered
   * @param at when it arrived
   */
  public record Received(String method, String path, String template, String authUser, Map<String, List<String>> form,
      int status, Instant at) {

    public Received(String method, String path, String template, String authUser, Map<String, List<String>> form,
        int status) {
      this(method, path, template, authUser, form, status, Instant.now());
    }
  }

  /** @param numbers the numbers the account owns, or null for every number */
  private record Account(String authToken, Behaviour behaviour, Duration delay, Set<String> numbers) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Twilio's date format in API resources. */
  private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);

  private final OpenApiContract contract;
  private final HttpServer server;
  // Wide enough that a client exceeding its own concurrency cap would show in maxConcurrentRequests().
  private final ExecutorService executor = Executors.newFixedThreadPool(32);
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();
  /** Calls placed, per account, newest last, as Twilio lists them. */
  private final Map<String, List<ObjectNode>> placed = new ConcurrentHashMap<>();
  /** Messages sent, per account, newest last, as Twilio lists them. */
  private final Map<String, List<ObjectNode>> messages = new ConcurrentHashMap<>();
  /** Calls this stand-in was told of: their status and when they last changed. */
  private final Map<String, CallState> calls = new ConcurrentHashMap<>();
  private final Instant started = Instant.now().minusSeconds(3_600);

  private record CallState(String status, Instant updated) {}

  public TwilioStandIn() {
    this.contract = OpenApiContract.twilioV2010();
    try {
      this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot bind the Twilio stand-in", e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public TwilioStandIn start() {
    server.start();
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * An account that owns only these numbers (E.164) in its {@code IncomingPhoneNumbers}; an account
   * registered otherwise owns every number.
   */
  public void registerOwning(String accountSid, String authToken, Set<String> numbers) {
    accounts.put(accountSid, new Account(authToken, Behaviour.OK, Duration.ZERO, Set.copyOf(numbers)));
  }

  public void register(String accountSid, String authToken, Behaviour behaviour) {
    register(accountSid, authToken, behaviour, Duration.ZERO);
  }

  public void register(String accountSid, String authToken, Behaviour behaviour, Duration delay) {
    accounts.put(accountSid, new Account(authToken, behaviour, delay, null));
  }

  /** Ends a call as its caller hanging up would: it is then {@code completed}. */
  public void endCall(String callSid) {
    calls.put(callSid, new CallState("completed", Instant.now()));
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  public int maxConcurrentRequests() {
    return maxInFlight.get();
  }

  public void reset() {
    received.clear();
    violations.clear();
    messages.clear();
    placed.clear();
    calls.clear();
    maxInFlight.set(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      respond(exchange);
    } finally {
      inFlight.decrementAndGet();
      exchange.close();
    }
  }

  private void respond(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Map<String, List<String>> form = parseForm(new String(exchange.getRequestBody().readAllBytes(),
        StandardCharsets.UTF_8));
    List<OpenApiContract.Match> matched = new ArrayList<>();
    List<String> problems = contract.check(method, path, form, matched);
    String template = matched.isEmpty() ? null : matched.get(0).template();
    String pathAccount = matched.isEmpty() ? null : matched.get(0).pathParams()
        .getOrDefault("AccountSid", matched.get(0).pathParams().get("Sid"));
    String[] credentials = basicAuth(exchange.getRequestHeaders().getFirst("Authorization"));
    String user = credentials == null ? null : credentials[0];
    if (credentials == null) {
      problems.add("no HTTP Basic authentication");
    } else if (pathAccount != null && !pathAccount.equals(user)) {
      problems.add("authenticated as " + user + " but acting on account " + pathAccount);
    }
    if (!problems.isEmpty()) {
      violations.addAll(problems);
      send(exchange, 400, error(400, 21400, String.join("; ", problems)));
      received.add(new Received(method, path, template, user, form, 400));
      return;
    }
    Account account = accounts.get(user);
    if (account == null || !constantTimeEquals(account.authToken(), credentials[1])
        || account.behaviour() == Behaviour.UNAUTHORIZED) {
      record(exchange, method, path, template, user, form, 401, error(401, 20003, "Authenticate"));
      return;
    }
    if (!account.delay().isZero()) {
      sleep(account.delay());
    }
    switch (account.behaviour()) {
      case SERVER_ERROR -> record(exchange, method, path, template, user, form, 500, error(500, 20500, "Internal Server Error"));
      case RATE_LIMITED -> record(exchange, method, path, template, user, form, 429, error(429, 20429, "Too Many Requests"));
      case FLAKY -> {
        if (sequence.incrementAndGet() % 2 == 0) {
          record(exchange, method, path, template, user, form, 500, error(500, 20500, "Internal Server Error"));
        } else {
          record(exchange, method, path, template, user, form, 429, error(429, 20429, "Too Many Requests"));
        }
      }
      case ACT_THEN_DROP -> {
        resource(method, template, matched.get(0), user, account, form, exchange.getRequestURI().getRawQuery());
        // Acted on, never answered: the client cannot tell whether Twilio acted.
        received.add(new Received(method, path, template, user, form, 0));
      }
      default -> record(exchange, method, path, template, user, form, 200, resource(method, template, matched.get(0),
          user, account, form, exchange.getRequestURI().getRawQuery()));
    }
  }

  private void record(HttpExchange exchange, String method, String path, String template, String user,
      Map<String, List<String>> form, int status, String body) throws IOException {
    received.add(new Received(method, path, template, user, form, status));
    send(exchange, status, body);
  }

  private String resource(String method, String template, OpenApiContract.Match match, String accountSid,
      Account account, Map<String, List<String>> form, String query) {
    ObjectNode node = JSON.createObjectNode();
    if (template.equals("/2010-04-01/Accounts/{Sid}.json")) {
      String status = switch (account.behaviour()) {
        case SUSPENDED -> "suspended";
        case CLOSED -> "closed";
        default -> "active";
      };
      node.put("sid", accountSid).put("friendly_name", "Stand-in account").put("status", status).put("type", "Full");
    } else if (template.endsWith("/Calls/{Sid}.json")) {
      String callSid = match.pathParams().get("Sid");
      CallState call = method.equals("POST")
          ? calls.compute(callSid, (sid, known) -> new CallState(known == null ? "in-progress" : known.status(), Instant.now()))
          : calls.getOrDefault(callSid, new CallState("in-progress", started));
      node.put("sid", callSid).put("account_sid", accountSid).put("status", call.status())
          .put("date_updated", RFC_2822.format(call.updated().atZone(ZoneOffset.UTC)));
    } else if (template.endsWith("/IncomingPhoneNumbers.json")) {
      String wanted = queryParameter(query, "PhoneNumber");
      var list = node.putArray("incoming_phone_numbers");
      if (wanted != null && (account.numbers() == null || account.numbers().contains(wanted))) {
        list.addObject().put("sid", "PN" + "0".repeat(32)).put("account_sid", accountSid).put("phone_number", wanted)
            .put("status", "in-use");
      }
      String uri = "/2010-04-01/Accounts/" + accountSid + "/IncomingPhoneNumbers.json";
      node.put("first_page_uri", uri + "?Page=0&PageSize=50").putNull("next_page_uri").putNull("previous_page_uri")
          .put("page", 0).put("page_size", 50).put("start", 0).put("end", list.size()).put("uri", uri);
    } else if (template.endsWith("/Calls.json") && method.equals("GET")) {
      list(node, "calls", placed.getOrDefault(accountSid, List.of()), queryParameter(query, "To"),
          queryParameter(query, "From"), "/2010-04-01/Accounts/" + accountSid + "/Calls.json");
    } else if (template.endsWith("/Calls.json")) {
      String sid = String.format("CA%032d", sequence.incrementAndGet());
      node.put("sid", sid).put("account_sid", accountSid).put("to", FormFields.first(form, "To"))
          .put("from", FormFields.first(form, "From")).put("status", "queued").put("direction", "outbound-api")
          .put("date_created", RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC)));
      placed.computeIfAbsent(accountSid, a -> new CopyOnWriteArrayList<>()).add(node.deepCopy());
      calls.put(sid, new CallState("queued", Instant.now()));
    } else if (template.endsWith("/Messages.json") && method.equals("GET")) {
      list(node, "messages", messages.getOrDefault(accountSid, List.of()), queryParameter(query, "To"),
          queryParameter(query, "From"), "/2010-04-01/Accounts/" + accountSid + "/Messages.json");
    } else if (template.endsWith("/Messages.json")) {
      node.put("sid", String.format("SM%032d", sequence.incrementAndGet())).put("account_sid", accountSid)
          .put("to", FormFields.first(form, "To")).put("from", FormFields.first(form, "From")).put("body", FormFields.first(form, "Body"))
          .put("status", "queued").put("date_created", RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC)));
      messages.computeIfAbsent(accountSid, a -> new CopyOnWriteArrayList<>()).add(node.deepCopy());
    } else {
      node.put("account_sid", accountSid);
    }
    return node.toString();
  }

  /** A page of a list resource as Twilio gives it: newest first, filtered by To and From, at most 50. */
  private static void list(ObjectNode node, String name, List<ObjectNode> all, String to, String from, String uri) {
    var list = node.putArray(name);
    List<ObjectNode> newestLast = new ArrayList<>(all);
    for (int i = newestLast.size() - 1; i >= 0 && list.size() < 50; i--) {
      ObjectNode item = newestLast.get(i);
      if ((to == null || to.equals(item.path("to").asText())) && (from == null || from.equals(item.path("from").asText()))) {
        list.add(item);
      }
    }
    node.put("first_page_uri", uri + "?Page=0&PageSize=50").putNull("next_page_uri").putNull("previous_page_uri")
        .put("page", 0).put("page_size", 50).put("start", 0).put("end", list.size()).put("uri", uri);
  }

  private static String queryParameter(String rawQuery, String name) {
    return rawQuery == null ? null : FormFields.first(parseForm(rawQuery), name);
  }

  private static String error(int status, int code, String message) {
    return JSON.createObjectNode().put("code", code).put("message", message).put("status", status).toString();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String[] basicAuth(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return null;
    }
    String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, List<String>> parseForm(String body) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (NameValuePair pair : WWWFormCodec.parse(body, StandardCharsets.UTF_8)) {
      form.computeIfAbsent(pair.getName(), k -> new ArrayList<>()).add(pair.getValue() == null ? "" : pair.getValue());
    }
    return form;
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
