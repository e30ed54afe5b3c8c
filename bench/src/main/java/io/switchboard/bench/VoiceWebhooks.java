package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.local.twilio.TwilioSigner;
import io.switchboard.twilio.reference.TwilioReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * Incoming-call webhooks the way Twilio sends them: the field list of a real incoming-call payload
 * ({@link TwilioReference#WEBHOOK_SAMPLES}), form-encoded, signed with the called company's
 * Auth Token over the public URL, each call to a number picked at random across the fleet and with
 * a CallSid of its own. Remembers which calls were answered 2xx, for the loss check, and checks
 * each answer is the called company's TwiML for its routing mode.
 */
public final class VoiceWebhooks {

  /** Said by the ingress when the TwiML did not come in time (its holding answer). */
  static final String HOLDING_MARKER = "Please hold while we connect your call.";
  private static final int SAMPLES_KEPT = 5;

  /** Whether an answer is the right one for a call. */
  @FunctionalInterface
  public interface AnswerCheck {
    boolean right(String body, int company, String callSid);
  }

  private final Fleet fleet;
  private final AnswerCheck check;
  private final String url;
  private final List<String[]> template;
  private final LoadClient http;
  private final String runPrefix;
  private final SplittableRandom random;
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  /** Where calls are sent: the public URL, or ingress instances behind it, in turn, as a load balancer does. */
  private volatile List<String> targets;
  private final java.util.concurrent.atomic.AtomicLong turn = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param url the public URL of the voice webhook: Twilio signs this exact URL
   * @param timeout how long Twilio waits for an answer before giving up on the webhook
   */
  public VoiceWebhooks(Fleet fleet, String url, LoadClient http, long seed) {
    this(fleet, url, http, seed, null);
  }

  /**
   * The same, with another test of a right answer than "the called company's TwiML for its routing
   * mode" (null for that one).
   */
  public VoiceWebhooks(Fleet fleet, String url, LoadClient http, long seed, AnswerCheck check) {
    this.fleet = fleet;
    this.check = check != null ? check : (body, company, callSid) -> isAnswerFor(body, company, fleet.mode(company));
    this.url = url;
    this.targets = List.of(url);
    this.template = incomingCallFields();
    this.http = http;
    this.random = new SplittableRandom(seed);
    this.runPrefix = String.format("%08x", seed & 0xffffffffL);
  }

  /** Calls one number picked at random (not thread-safe: the load generator calls it from one thread). */
  public CompletableFuture<Outcome> call(long sequence) {
    return call(nextNumber(), callSid(sequence));
  }

  /**
   * Sends calls to these instance URLs in turn (each the voice webhook's path on one ingress
   * instance), still signed over the public URL; an instance left out gets no new calls, as a load
   * balancer leaves out an instance that is not ready.
   */
  public void spreadOver(List<String> instanceUrls) {
    this.targets = List.copyOf(instanceUrls);
  }

  /** Calls the given number of the fleet and judges the answer. */
  public CompletableFuture<Outcome> call(int numberIndex, String callSid) {
    int company = fleet.companyOfNumber(numberIndex);
    List<String> now = targets;
    String target = now.get((int) Math.floorMod(turn.getAndIncrement(), (long) now.size()));
    return post(target, url, numberIndex, callSid)
        .thenApply(response -> judge(response, company, callSid))
        .exceptionally(error -> {
          note("no answer for " + callSid + ": " + (error.getCause() != null ? error.getCause() : error));
          return Outcome.NO_ANSWER;
        });
  }

  /** Posts the incoming-call webhook for a number of the fleet to {@code target}, signed for that URL. */
  public CompletableFuture<LoadClient.Answer> post(String target, int numberIndex, String callSid) {
    return post(target, target, numberIndex, callSid);
  }

  /** The same, sent to {@code target} and signed over {@code signedUrl} (the public URL before a load balancer). */
  public CompletableFuture<LoadClient.Answer> post(String target, String signedUrl, int numberIndex, String callSid) {
    int company = fleet.companyOfNumber(numberIndex);
    Map<String, List<String>> form = form(fleet.accountSid(company), callSid, fleet.number(numberIndex));
    return http.postForm(target, Map.of(
        "X-Twilio-Signature", TwilioSigner.sign(fleet.authToken(company), signedUrl, form),
        "I-Twilio-Idempotency-Token", callSid), encode(form));
  }

  /** The same webhook signed with a token that is not the company's: the ingress must refuse it. */
  public CompletableFuture<LoadClient.Answer> postForged(int numberIndex, String callSid) {
    int company = fleet.companyOfNumber(numberIndex);
    Map<String, List<String>> form = form(fleet.accountSid(company), callSid, fleet.number(numberIndex));
    return http.postForm(url, Map.of("X-Twilio-Signature", TwilioSigner.sign("0".repeat(32), url, form)),
        encode(form));
  }

  /** The number picked for the next call (not thread-safe: the load generator calls it from one thread). */
  public int nextNumber() {
    return random.nextInt(fleet.numbers());
  }

  /** A CallSid unique to this run and sequence number, in Twilio's format (CA + 32 hex digits). */
  public String callSid(long sequence) {
    return "CA" + runPrefix + String.format("%024x", sequence);
  }

  private Outcome judge(LoadClient.Answer response, int company, String callSid) {
    if (response.status() / 100 != 2) {
      note("HTTP " + response.status() + " for " + callSid + ": " + abbreviate(response.body()));
      return Outcome.HTTP_ERROR;
    }
    answered.add(callSid);
    String body = response.body();
    if (body.contains(HOLDING_MARKER)) {
      return Outcome.DEFERRED;
    }
    if (check.right(body, company, callSid)) {
      return Outcome.OK;
    }
    note("wrong TwiML for " + callSid + " (company " + company + ", " + fleet.mode(company) + "): "
        + abbreviate(body));
    return Outcome.WRONG_ANSWER;
  }

  /** Whether a TwiML answer is the company's own, in the given routing mode. */
  public boolean isAnswerFor(String body, int company, Fleet.Mode mode) {
    return body.contains(mode.element) && body.contains(fleet.companyId(company));
  }

  /** The public URL of the voice webhook. */
  public String url() {
    return url;
  }

  /** CallSids of every call answered 2xx so far: each must be on the webhook and call-event topics. */
  public Set<String> answered() {
    return answered;
  }

  /** The first few wrong or missing answers, to say what went wrong. */
  public List<String> problems() {
    return new ArrayList<>(problems);
  }

  /** Forgets the problems seen so far, e.g. those of calls made while the fleet was still loading. */
  public void clearProblems() {
    problems.clear();
  }

  private void note(String problem) {
    if (problems.size() < SAMPLES_KEPT) {
      problems.add(problem);
    }
  }

  private Map<String, List<String>> form(String accountSid, String callSid, String to) {
    String from = "+1212" + (5_550_000 + Math.floorMod(callSid.hashCode(), 10_000));
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (String[] field : template) {
      String value = switch (field[0]) {
        case "AccountSid" -> accountSid;
        case "CallSid" -> callSid;
        case "From", "Caller" -> from;
        case "To", "Called" -> to;
        default -> field[1];
      };
      form.computeIfAbsent(field[0], k -> new ArrayList<>(1)).add(value);
    }
    return form;
  }

  private static List<String[]> incomingCallFields() {
    try (InputStream file = TwilioReference.WEBHOOK_SAMPLES.open()) {
      JsonNode samples = new ObjectMapper().readTree(file).path("samples");
      for (JsonNode sample : samples) {
        if ("voice_incoming".equals(sample.path("category").asText())) {
          List<String[]> fields = new ArrayList<>();
          sample.path("fields").forEach(f -> fields.add(new String[] {f.get(0).asText(), f.get(1).asText()}));
          return fields;
        }
      }
      throw new IllegalArgumentException("No voice_incoming sample in " + TwilioReference.WEBHOOK_SAMPLES.fileName());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Twilio's webhook samples", e);
    }
  }

  private static String encode(Map<String, List<String>> form) {
    return form.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String text) {
    String oneLine = text == null ? "" : text.replaceAll("\\s+", " ");
    return oneLine.length() > 160 ? oneLine.substring(0, 160) + "..." : oneLine;
  }
}
