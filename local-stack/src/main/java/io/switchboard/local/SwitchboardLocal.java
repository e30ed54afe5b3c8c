package io.switchboard.local;

import io.switchboard.local.stack.ApicurioRegistry;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioSigner;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.nio.file.Files;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs Switchboard on its local stack: starts Kafka, the registry, MongoDB and the Twilio stand-in,
 * every Switchboard process, seeds a demo company, prints how to call it, and serves until Ctrl-C,
 * when it stops everything it started.
 */
@Command(name = "switchboard-local", mixinStandardHelpOptions = true,
    description = "Run Switchboard on an embedded local stack (Kafka KRaft, Apicurio Registry, MongoDB, Twilio stand-in).")
public final class SwitchboardLocal implements Callable<Integer> {

  @Option(names = "--public-base-url", description = "URL at which Twilio reaches this machine (e.g. a tunnel); "
      + "default: the ingress's loopback address")
  String publicBaseUrl;

  @Option(names = "--twilio-live", description = "Send Twilio REST calls to Twilio itself instead of the local stand-in; "
      + "needs the demo company's real credentials in TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
  boolean twilioLive;

  @Option(names = "--cluster", description = "Cluster mode: three Kafka brokers (replication 3) and two instances of "
      + "every process, the ingress instances behind one public URL")
  boolean cluster;

  @Option(names = "--apicurio-home", description = "Unpacked Apicurio Registry distribution (default: local-stack/target/apicurio)")
  Path apicurioHome;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SwitchboardLocal()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String liveSid = System.getenv("TWILIO_ACCOUNT_SID");
    String liveToken = System.getenv("TWILIO_AUTH_TOKEN");
    if (twilioLive && (liveSid == null || liveToken == null)) {
      System.err.println("--twilio-live needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN in the environment");
      return 2;
    }
    Path home = apicurioHome != null ? apicurioHome : ApicurioRegistry.defaultHome();
    LocalStack stack = cluster ? LocalStack.startClusteredWithRegistry(home, 3) : LocalStack.start(home);
    SwitchboardServices services = null;
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      DemoCompany demo = twilioLive ? DemoCompany.generate(liveSid, liveToken) : DemoCompany.generate(null, null);
      Map<String, Object> overrides = new HashMap<>();
      if (twilioLive) {
        overrides.put("switchboard.twilio-api-base-url", "");
      } else {
        stack.twilio().register(demo.accountSid(), demo.authToken(), TwilioStandIn.Behaviour.OK);
      }
      services = SwitchboardServices.start(stack, publicBaseUrl, overrides, java.util.Set.of(), cluster ? 2 : 1);
      demo.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      awaitRoutes(stack.kafkaClients(), Set.of(demo.numbers().get(0), demo.numbers().get(1), "+15551234567"));
      writeEndpoints(stack, services);
      printWelcome(System.out, stack, services, demo);
      SwitchboardServices running = services;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("Stopping Switchboard and its local stack...");
        running.close();
        stack.close();
        stopped.countDown();
      }, "switchboard-local-stop"));
      stopped.await();
      return 0;
    } catch (RuntimeException e) {
      if (services != null) {
        services.close();
      }
      stack.close();
      throw e;
    }
  }

  /** Where the operator commands find this stack when given no cluster (see ClusterOptions). */
  private static void writeEndpoints(LocalStack stack, SwitchboardServices services) throws java.io.IOException {
    Path file = Path.of(".switchboard-local", "endpoints.properties");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "bootstrap.servers=" + stack.bootstrapServers() + "\nregistry.url=" + stack.registryUrl()
        + "\nadmin.token=" + services.tokens().adminToken(Duration.ofHours(12)) + "\n");
  }

  private static void awaitRoutes(KafkaClients clients, Set<String> numbers) {
    Set<String> seen = new HashSet<>();
    Instant deadline = Instant.now().plusSeconds(60);
    try (KafkaConsumer<String, PhoneRoute> consumer = clients.consumer(Topics.PHONE_ROUTES, null, "local-await")) {
      var partitions = consumer.partitionsFor(Topics.PHONE_ROUTES.name()).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!seen.containsAll(numbers) && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() != null) {
            seen.add(r.key());
          }
        });
      }
    }
    if (!seen.containsAll(numbers)) {
      throw new IllegalStateException("Demo numbers did not become routable within 60 s");
    }
  }

  /** What the local run prints once everything is up: where each part is, and how to use it. */
  public static void printWelcome(PrintStream out, LocalStack stack, SwitchboardServices services, DemoCompany demo) {
    String url = services.publicBaseUrl() + "/api/twilio/voice";
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("AccountSid", List.of(demo.accountSid()));
    form.put("CallSid", List.of("CA" + "0".repeat(31) + "1"));
    form.put("From", List.of("+15557654321"));
    form.put("To", List.of(demo.numbers().get(0)));
    form.put("CallStatus", List.of("ringing"));
    form.put("Direction", List.of("inbound"));
    String signature = TwilioSigner.sign(demo.authToken(), url, form);
    String data = form.entrySet().stream()
        .map(e -> "--data-urlencode '" + e.getKey() + "=" + e.getValue().get(0) + "'")
        .collect(Collectors.joining(" \\\n     "));
    out.println();
    out.println("Switchboard is running on its local stack.");
    out.println("  Kafka            " + stack.bootstrapServers());
    out.println("  Schema registry  " + stack.registryUrl());
    out.println("  MongoDB          " + stack.mongoUri() + " (database " + SwitchboardServices.DATABASE + ")");
    out.println("  Twilio API       " + stack.twilio().baseUrl() + " (stand-in)");
    out.println();
    out.println("Demo company " + demo.name() + " (" + demo.companyId() + "), routing mode forward to "
        + demo.forwardNumber() + ", numbers " + demo.numbers() + " and legacy " + demo.legacyNumber());
    out.println("Diagnostics: ./switchboard explain " + demo.numbers().get(0) + " --resolver-url "
        + services.resolverUrl() + "   (or GET " + services.resolverUrl()
        + "/api/admin/numbers/{number} with the admin token below)");
    out.println("Company API: " + services.adminUrl() + "/api/companies/" + demo.companyId()
        + "/twilio/config  (Authorization: Bearer <token>)");
    out.println("  demo admin token (valid 12 h, also the console's admin sign-in): " + services.tokens().adminToken(java.time.Duration.ofHours(12)));
    out.println("Console: " + services.adminUrl() + "/console  (sign in by pasting a token)");
    out.println("  as the demo admin: the admin token above");
    out.println("  as the demo company's user (" + demo.companyId() + ", valid 12 h): "
        + services.tokens().companyToken(demo.companyId(), java.time.Duration.ofHours(12)));
    out.println("Health and metrics of each process (/actuator/health/readiness, /actuator/prometheus):");
    services.processUrls().keySet().forEach(process -> services.urls(process).forEach(base ->
        out.printf("  %-24s %s/actuator/health/readiness%n", process, base)));
    out.println("Webhook URLs to give Twilio for its numbers:");
    out.println("  Voice  " + services.publicBaseUrl() + "/api/twilio/voice");
    out.println("  SMS    " + services.publicBaseUrl() + "/api/twilio/sms");
    out.println();
    out.println("A correctly signed incoming call to " + demo.numbers().get(0) + ":");
    out.println("curl -sS " + services.ingressUrl() + "/api/twilio/voice \\\n     -H 'X-Twilio-Signature: "
        + signature + "' \\\n     " + data);
    out.println();
    out.println("Press Ctrl-C to stop.");
  }
}
