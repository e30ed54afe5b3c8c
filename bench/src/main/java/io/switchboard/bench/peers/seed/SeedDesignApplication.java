package io.switchboard.bench.peers.seed;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.switchboard.callhandler.Answer;
import io.switchboard.callhandler.CallbackUrls;
import io.switchboard.callhandler.TwimlFactory;
import io.switchboard.domain.companies.CompanyDocument;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.domain.twilio.TwilioSignatures;
import io.switchboard.mirror.CompanyDocumentReader;
import io.switchboard.schemas.common.NumberSource;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The design Switchboard replaces, rebuilt on Switchboard's own parts so that only the design
 * differs: one HTTP endpoint on the same stack (Spring MVC on Tomcat) that, per webhook, finds the
 * company by the called number in MongoDB, checks the signature with that company's Auth Token,
 * and answers the TwiML of its routing mode with the same code as the call-handler
 * ({@link CompanyDocumentReader#routing} and {@link TwimlFactory}).
 *
 * <p>The seed's query is {@code $or} on {@code twilioConfig.phoneNumbers.phoneNumber} and
 * {@code twilioConfig.phoneNumber}. With an index on each field, MongoDB's planner answers it with
 * one index seek per branch. The MongoDB stand-in has no planner for {@code $or} (it would scan every
 * document), so the endpoint performs the two seeks itself, the legacy field only when the first
 * finds nothing, each on its own index: the same result, and the cost the indexed query has on a
 * real server. The indexes are created at start, as a careful operator would: unique on the
 * numbers list (a number belongs to one company), plain on the legacy field. The stand-in finds
 * nothing through a sparse index over an array, and scans for a non-unique one, so the benchmark's
 * fleet (numbers in {@code phoneNumbers[]}, no legacy field) is served by the unique index alone.
 */
@SpringBootApplication
public class SeedDesignApplication {

  public static final String PATH = "/seed/voice";
  static final String PHONE_NUMBERS_FIELD = CompanyDocument.TWILIO + "." + CompanyDocument.PHONE_NUMBERS + ".phoneNumber";
  static final String LEGACY_FIELD = CompanyDocument.TWILIO + "." + CompanyDocument.LEGACY_PHONE_NUMBER;

  /**
   * Starts the endpoint on 127.0.0.1 and the given port, reading companies from {@code database} at
   * {@code mongoUri}.
   */
  public static ConfigurableApplicationContext start(int port, String mongoUri, String database) {
    MongoClient mongo = MongoClients.create(mongoUri);
    MongoCollection<Document> companies = mongo.getDatabase(database).getCollection(CompanyDocument.COLLECTION);
    companies.createIndex(Indexes.ascending(PHONE_NUMBERS_FIELD), new IndexOptions().unique(true));
    companies.createIndex(Indexes.ascending(LEGACY_FIELD));
    // The reader needs a cipher only to encrypt tokens, which the seed never does: any keyset serves.
    CompanyDocumentReader reader = new CompanyDocumentReader(new PhoneNumbers("US"),
        CredentialCipher.fromKeysetJson(CredentialCipher.generateKeysetJson()));
    ConfigurableApplicationContext context = new SpringApplicationBuilder(SeedDesignApplication.class)
        .properties("spring.config.name=bench-peer", "spring.application.name=bench-seed-design")
        .initializers(c -> {
          c.getBeanFactory().registerSingleton("companies", companies);
          c.getBeanFactory().registerSingleton("companyReader", reader);
        })
        .run("--server.port=" + port, "--server.address=127.0.0.1");
    context.addApplicationListener(event -> {
      if (event instanceof org.springframework.context.event.ContextClosedEvent) {
        mongo.close();
      }
    });
    return context;
  }

  @RestController
  static class Endpoint {
    private static final String NOT_CONFIGURED = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>"
        + "We're sorry, this number is not configured. Goodbye.</Say><Hangup/></Response>";

    private final MongoCollection<Document> companies;
    private final CompanyDocumentReader reader;
    private final TwimlFactory twiml;

    Endpoint(MongoCollection<Document> companies, CompanyDocumentReader reader,
        org.springframework.core.env.Environment environment) {
      this.companies = companies;
      this.reader = reader;
      this.twiml = new TwimlFactory(new CallbackUrls("http://127.0.0.1:" + environment.getProperty("server.port")));
    }

    @PostMapping(PATH)
    ResponseEntity<String> voice(HttpServletRequest request) {
      Map<String, List<String>> form = new LinkedHashMap<>();
      request.getParameterMap().forEach((name, values) -> form.put(name, List.of(values)));
      String to = request.getParameter("To");
      if (to == null) {
        return ResponseEntity.badRequest().body("To is missing");
      }
      Document company = companies.find(Filters.eq(PHONE_NUMBERS_FIELD, to)).first();
      if (company == null) {
        company = companies.find(Filters.eq(LEGACY_FIELD, to)).first();
      }
      if (company == null) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(NOT_CONFIGURED);
      }
      CompanyDocument document = CompanyDocument.of(company);
      String url = request.getRequestURL().toString();
      Object token = document.twilio().get(CompanyDocument.AUTH_TOKEN);
      if (!(token instanceof String plaintext) || !TwilioSignatures.validForm(new Secret(plaintext), url, form,
          request.getHeader("X-Twilio-Signature"))) {
        return ResponseEntity.status(403).body("signature invalid");
      }
      List<String> warnings = new ArrayList<>();
      WebhookReceived event = WebhookReceived.newBuilder()
          .setEventId(UUID.randomUUID().toString())
          .setKind(WebhookKind.VOICE)
          .setRawTenantAddress(to)
          .setTenantNumber(to)
          .setCallSid(request.getParameter("CallSid"))
          .setAccountSid(request.getParameter("AccountSid"))
          .setCompanyId(document.id())
          .setRequestUrl(url)
          .setParams(form)
          .setSignatureOutcome(SignatureOutcome.VALID)
          .setReceivedAt(Instant.now())
          .build();
      Answer answer = twiml.answer(ResolvedWebhook.newBuilder().setEvent(event)
          .setRoute(reader.routing(company, warnings)).setNumberSource(NumberSource.PHONE_NUMBERS)
          .setResolvedAt(Instant.now()).build());
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(answer.twiml());
    }
  }
}
