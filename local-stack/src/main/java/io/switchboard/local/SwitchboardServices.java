package io.switchboard.local;

import io.switchboard.admin.CompanyAdminApplication;
import io.switchboard.callhandler.CallHandlerApplication;
import io.switchboard.health.HealthMonitorApplication;
import io.switchboard.ingress.IngressGatewayApplication;
import io.switchboard.local.stack.FreePorts;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.mirror.ConfigMirrorApplication;
import io.switchboard.resolver.TenantResolverApplication;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every Switchboard process, each as its own Spring application context in this JVM, wired to a
 * {@link LocalStack}. In production each runs as its own process with the same settings.
 */
public final class SwitchboardServices implements AutoCloseable {

  /** Database holding the companies collection in the local stack. */
  public static final String DATABASE = "switchboard";

  private final Deque<ConfigurableApplicationContext> contexts = new ArrayDeque<>();
  private final int ingressPort;
  private final int resolverPort = FreePorts.next();
  private final int adminPort = FreePorts.next();
  private final int healthPort = FreePorts.next();
  private final int mirrorPort = FreePorts.next();
  private final int callHandlerPort = FreePorts.next();
  private final DemoTokens tokens = new DemoTokens();
  private final String publicBaseUrl;

  private SwitchboardServices(int ingressPort, String publicBaseUrl) {
    this.ingressPort = ingressPort;
    this.publicBaseUrl = publicBaseUrl;
  }

  /**
   * @param publicBaseUrl the base URL Twilio would call, or null for the ingress's own loopback address
   * @param overrides settings that replace the defaults, e.g. a shorter reply budget
   */
  public static SwitchboardServices start(LocalStack stack, String publicBaseUrl, Map<String, Object> overrides) {
    int port = FreePorts.next();
    String base = publicBaseUrl == null ? "http://127.0.0.1:" + port : publicBaseUrl;
    SwitchboardServices services = new SwitchboardServices(port, base);
    Map<String, Object> common = new HashMap<>();
    common.put("switchboard.kafka-bootstrap-servers", stack.bootstrapServers());
    common.put("switchboard.schema-registry-url", stack.registryUrl());
    common.put("switchboard.credential-keyset", stack.credentialKeyset());
    common.put("switchboard.twilio-api-base-url", stack.twilio().baseUrl());
    common.put("switchboard.mirror.mongo-uri", stack.mongoUri());
    common.put("switchboard.mirror.database", DATABASE);
    common.put("switchboard.resolver.state-dir", stack.workDir().resolve("resolver-state").toString());
    common.put("switchboard.call-handler.public-base-url", base);
    common.put("switchboard.ingress.public-base-url", base);
    common.put("server.address", "127.0.0.1");
    stack.kafkaClientProperties().forEach((key, value) -> common.put("switchboard.kafka.properties." + key, value));
    if (stack.registryAuth().basicAuthUserInfo() != null) {
      common.put("switchboard.schema-registry.basic-auth-user-info", stack.registryAuth().basicAuthUserInfo());
    }
    common.putAll(overrides);
    try {
      services.run(ConfigMirrorApplication::builder, common, Map.of("server.port", services.mirrorPort));
      services.run(TenantResolverApplication::builder, common, Map.of("server.port", services.resolverPort,
          "switchboard.resolver.advertised-host-port", "127.0.0.1:" + services.resolverPort,
          "switchboard.jwt-public-key", services.tokens.publicKeyPem()));
      services.run(CallHandlerApplication::builder, common, Map.of("server.port", services.callHandlerPort));
      services.run(IngressGatewayApplication::builder, common, Map.of("server.port", port));
      services.run(HealthMonitorApplication::builder, common, Map.of("server.port", services.healthPort,
          "switchboard.jwt-public-key", services.tokens.publicKeyPem()));
      services.run(CompanyAdminApplication::builder, common, Map.of("server.port", services.adminPort,
          "switchboard.admin.mongo-uri", stack.mongoUri(), "switchboard.admin.database", DATABASE,
          "switchboard.jwt-public-key", services.tokens.publicKeyPem(),
          // mongo-java-server does not honour partial indexes: the index would refuse every company
          // without phoneNumbers[]. Against MongoDB the index is on; the API's own check refuses
          // duplicates either way.
          "switchboard.admin.unique-number-index", false));
      return services;
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
  }

  private void run(Supplier<SpringApplicationBuilder> builder, Map<String, Object> common, Map<String, Object> own) {
    Map<String, Object> props = new HashMap<>(common);
    props.putAll(own);
    // As command-line arguments, so they outrank each process's own properties file.
    String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    // Closed by close(), in order and before the stack they run on: a JVM shutdown hook of their own
    // would race the stack's and find the broker gone.
    contexts.push(builder.get().registerShutdownHook(false).run(args));
  }

  /** The ingress's own address on this machine. */
  public String ingressUrl() {
    return "http://127.0.0.1:" + ingressPort;
  }

  /** The company configuration API. */
  public String adminUrl() {
    return "http://127.0.0.1:" + adminPort;
  }

  /** The health monitor's API. */
  public String healthUrl() {
    return "http://127.0.0.1:" + healthPort;
  }

  /** JWTs the company API accepts in this run. */
  public DemoTokens tokens() {
    return tokens;
  }

  /** The resolver's diagnostics API. */
  public String resolverUrl() {
    return "http://127.0.0.1:" + resolverPort;
  }

  /** Each process's own HTTP address, where it serves {@code /actuator/health/readiness} and {@code /actuator/prometheus}. */
  public Map<String, String> processUrls() {
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("config-mirror", "http://127.0.0.1:" + mirrorPort);
    urls.put("tenant-resolver-stream", resolverUrl());
    urls.put("call-handler", "http://127.0.0.1:" + callHandlerPort);
    urls.put("ingress-gateway", ingressUrl());
    urls.put("health-monitor", healthUrl());
    urls.put("company-admin", adminUrl());
    return urls;
  }

  /** The base URL Twilio is told to call (the signature covers it). */
  public String publicBaseUrl() {
    return publicBaseUrl;
  }

  @Override
  public void close() {
    while (!contexts.isEmpty()) {
      contexts.pop().close();
    }
  }
}
