package io.switchboard.bench.jmh;

import io.switchboard.callhandler.Answer;
import io.switchboard.callhandler.CallbackUrls;
import io.switchboard.callhandler.TwimlFactory;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.phone.TenantAddress;
import io.switchboard.domain.twilio.TwilioSignatures;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.registry.InMemorySchemaRegistry;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The functions every webhook passes through, each on a realistic input: the called number as
 * Twilio writes it, a full incoming-call form signed with the company's token, the TwiML of each
 * routing mode, and the webhook event in Confluent wire format.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {

  static final String URL = "https://switchboard.example.com/api/twilio/voice";
  static final String TOKEN = "12345678901234567890123456789012";
  static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

  final PhoneNumbers phoneNumbers = new PhoneNumbers("US");
  final Secret token = new Secret(TOKEN);
  final Map<String, List<String>> form = incomingCallForm();
  final String signature = TwilioSignatures.sign(TOKEN, URL, form);
  final TwimlFactory twiml = new TwimlFactory(new CallbackUrls("https://switchboard.example.com"));
  final ResolvedWebhook forward = resolved(RoutingMode.FORWARD);
  final ResolvedWebhook voicemail = resolved(RoutingMode.VOICEMAIL);
  final ResolvedWebhook aiAgent = resolved(RoutingMode.AI_AGENT);
  final Serializer<WebhookReceived> webhookSerializer;
  final Deserializer<WebhookReceived> webhookDeserializer;
  final byte[] serializedWebhook;

  public HotPathBenchmarks() {
    Serde<WebhookReceived> serde = Topics.WEBHOOKS.valueSerde(new InMemorySchemaRegistry());
    webhookSerializer = serde.serializer();
    webhookDeserializer = serde.deserializer();
    serializedWebhook = webhookSerializer.serialize(Topics.WEBHOOKS.name(), forward.getEvent());
  }

  /** The called number as Twilio posts it, to E.164 (or not a phone number). */
  @Benchmark
  public TenantAddress normalisePhoneNumber() {
    return phoneNumbers.classify("+14152000001");
  }

  /** A number written the way a company typed it into its settings. */
  @Benchmark
  public TenantAddress normaliseFormattedNumber() {
    return phoneNumbers.classify("+1 (415) 200-0001");
  }

  /** Checking X-Twilio-Signature over a 27-field incoming-call form. */
  @Benchmark
  public boolean validateSignature() {
    return TwilioSignatures.validForm(token, URL, form, signature);
  }

  @Benchmark
  public Answer buildForwardTwiml() {
    return twiml.answer(forward);
  }

  @Benchmark
  public Answer buildVoicemailTwiml() {
    return twiml.answer(voicemail);
  }

  @Benchmark
  public Answer buildAiAgentTwiml() {
    return twiml.answer(aiAgent);
  }

  /** The webhook event as written to twilio.webhooks: Avro, Confluent wire format. */
  @Benchmark
  public byte[] serializeWebhookEvent() {
    return webhookSerializer.serialize(Topics.WEBHOOKS.name(), forward.getEvent());
  }

  /** The same event read back, as the resolver and the loss check read it. */
  @Benchmark
  public WebhookReceived deserializeWebhookEvent() {
    return webhookDeserializer.deserialize(Topics.WEBHOOKS.name(), serializedWebhook);
  }

  /** The 27 fields of a real incoming-call webhook. */
  static Map<String, List<String>> incomingCallForm() {
    Map<String, List<String>> form = new LinkedHashMap<>();
    String[][] fields = {
        {"AccountSid", "AC" + "b".repeat(32)}, {"AddOns", "{ \"status\": \"successful\", \"message\": null, "
            + "\"code\": null, \"results\": { } }"}, {"ApiVersion", "2010-04-01"}, {"From", "+12125550123"},
        {"FromCity", "SAN FRANCISCO"}, {"FromCountry", "US"}, {"FromState", "CA"}, {"FromZip", "94903"},
        {"To", "+14152000001"}, {"ToCity", "SAN FRANCISCO"}, {"ToCountry", "US"}, {"ToState", "CA"},
        {"ToZip", "94105"}, {"CallSid", "CA" + "a".repeat(32)}, {"CallStatus", "ringing"}, {"CallToken", ""},
        {"Called", "+14152000001"}, {"CalledCity", "SAN FRANCISCO"}, {"CalledCountry", "US"}, {"CalledState", "CA"},
        {"CalledZip", "94903"}, {"Caller", "+12125550123"}, {"CallerCity", "SAN FRANCISCO"},
        {"CallerCountry", "US"}, {"CallerState", "CA"}, {"CallerZip", "94105"}, {"Direction", "inbound"}};
    for (String[] field : fields) {
      form.put(field[0], List.of(field[1]));
    }
    return form;
  }

  private ResolvedWebhook resolved(RoutingMode mode) {
    RoutingSnapshot route = RoutingSnapshot.newBuilder()
        .setCompanyId("64b7f0c2a1e4d93b5c8e1f20")
        .setAccountSid("AC" + "b".repeat(32))
        .setRoutingMode(mode)
        .setForwardNumber("+16463000001")
        .setRecordingEnabled(true)
        .setTranscriptionEnabled(true)
        .setWhisperMessage("Call for Acme Plumbing, routed by Switchboard.")
        .setAiAgentUrl("wss://agent.example.com/companies/64b7f0c2a1e4d93b5c8e1f20")
        .build();
    WebhookReceived event = WebhookReceived.newBuilder()
        .setEventId("0f8fad5b-d9cb-469f-a165-70867728950e")
        .setKind(WebhookKind.VOICE)
        .setRawTenantAddress("+14152000001")
        .setTenantNumber("+14152000001")
        .setCallSid("CA" + "a".repeat(32))
        .setAccountSid("AC" + "b".repeat(32))
        .setCompanyId("64b7f0c2a1e4d93b5c8e1f20")
        .setRequestUrl(URL)
        .setParams(form)
        .setSignatureOutcome(SignatureOutcome.VALID)
        .setReceivedAt(T0)
        .build();
    return ResolvedWebhook.newBuilder().setEvent(event).setRoute(route).setNumberSource(NumberSource.PHONE_NUMBERS)
        .setResolvedAt(T0).build();
  }
}
