package io.switchboard.local;

import io.switchboard.admin.CompanyAdminApplication;
import io.switchboard.callhandler.CallHandlerApplication;
import io.switchboard.health.HealthMonitorApplication;
import io.switchboard.ingress.IngressGatewayApplication;
import io.switchboard.local.stack.FreePorts;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.mirror.ConfigMirrorApplication;
import io.switchboard.resolver.TenantResolverApplication;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every Switchboard process, each as its own Spring application context in this JVM, wired to a
 * {@link LocalStack}. In production each runs as its own process with the same settings.
 */
public final class SwitchboardServices implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SwitchboardServices.class);

  /** Database holding the companies collection in the local stack. */
  public static final String DATABASE = "switchboard";

  /** How often a process is started again on another port when its drawn port was taken meanwhile. */
  private static final int PORT_ATTEMPTS = 5;

  /** One running process: restartable with the settings it was started with. */
  private static final class Instance {
    final String process;
    final Supplier<SpringApplicationBuilder> builder;
    final Map<String, Object> settings;
    int port;
    ConfigurableApplicationContext context;

    Instance(String process, Supplier<SpringApplicationBuilder> builder, Map<String, Object> settings) {
      this.process = process;
      this.builder = builder;
      this.settings = settings;
    }
  }

  /** Every instance, in the order started; closed in the reverse order. */
  private final List<Instance> instances = new ArrayList<>();
  private final DemoTokens tokens = new DemoTokens();
  private int ingressPort;
  private int resolverPort;
  private int adminPort;
  private int healthPort;
  private int mirrorPort;
  private int callHandlerPort;
  private String publicBaseUrl;
  private final Map<String, Object> common = new HashMap<>();
  private final Set<String> leftOut = new HashSet<>();
  private final Map<String, Map<String, Object>> settingsOfLeftOut = new HashMap<>();

  private SwitchboardServices() {}

  /**
   * The settings a process left out of this run would have been started with (its port aside), as
   * command-line arguments for {@code switchboard.jar PROCESS}.
   */
  public List<String> settingsFor(String process) {
    Map<String, Object> settings = settingsOfLeftOut.get(process);
    if (settings == null) {
      throw new IllegalArgumentException(process + " was not left out of this run");
    }
    return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).sorted().toList();
  }

  /**
   * @param publicBaseUrl the base URL Twilio would call, or null for the ingress's own loopback address
   * @param overrides settings that replace the defaults, e.g. a shorter reply budget
   */
  public static SwitchboardServices start(LocalStack stack, String publicBaseUrl, Map<String, Object> overrides) {
    return start(stack, publicBaseUrl, overrides, Set.of());
  }

  /**
   * The same, without the processes named in {@code leftOut} (e.g. {@code call-handler}), which a
   * test runs elsewhere, for example as a process of its own that it can kill; {@link
   * #settingsFor} gives the settings to start them with.
   */
  public static SwitchboardServices start(LocalStack stack, String publicBaseUrl, Map<String, Object> overrides,
      Set<String> leftOut) {
    return start(stack, publicBaseUrl, overrides, leftOut, 1);
  }

  /**
   * Cluster mode: {@code count} instances of every process, as a company running Switchboard on
   * several machines would (one config mirror active by its lease, the others waiting; the resolvers,
   * call-handlers and health monitors sharing partitions; ingress instances behind one public URL).
   */
  public static SwitchboardServices startCluster(LocalStack stack, String publicBaseUrl, Map<String, Object> overrides,
      int count) {
    return start(stack, publicBaseUrl, overrides, Set.of(), count);
  }

  /** {@code count} instances of each process but those left out. */
  public static SwitchboardServices start(LocalStack stack, String publicBaseUrl, Map<String, Object> overrides,
      Set<String> leftOut, int count) {
    SwitchboardServices services = new SwitchboardServices();
    Map<String, Object> common = new HashMap<>();
    common.put("switchboard.kafka-bootstrap-servers", stack.bootstrapServers());
    common.put("switchboard.schema-registry-url", stack.registryUrl());
    common.put("switchboard.credential-keyset", stack.credentialKeyset());
    common.put("switchboard.twilio-api-base-url", stack.twilio().baseUrl());
    common.put("switchboard.mirror.mongo-uri", stack.mongoUri());
    common.put("switchboard.mirror.database", DATABASE);
    common.put("server.address", "127.0.0.1");
    stack.kafkaClientProperties().forEach((key, value) -> common.put("switchboard.kafka.properties." + key, value));
    if (stack.registryAuth().basicAuthUserInfo() != null) {
      common.put("switchboard.schema-registry.basic-auth-user-info", stack.registryAuth().basicAuthUserInfo());
    }
    common.putAll(overrides);
    services.common.putAll(common);
    services.leftOut.addAll(leftOut);
    try {
      for (int i = 0; i < count; i++) {
        int port = services.run("config-mirror", ConfigMirrorApplication::builder, common, p -> Map.of());
        services.mirrorPort = i == 0 ? port : services.mirrorPort;
      }
      for (int i = 0; i < count; i++) {
        String stateDir = stack.workDir().resolve(count == 1 ? "resolver-state" : "resolver-state-" + i).toString();
        int port = services.run("tenant-resolver-stream", TenantResolverApplication::builder, common, p -> Map.of(
            "switchboard.resolver.advertised-host-port", "127.0.0.1:" + p,
            "switchboard.resolver.state-dir", stateDir,
            "switchboard.jwt-public-key", services.tokens.publicKeyPem()));
        services.resolverPort = i == 0 ? port : services.resolverPort;
      }
      // The ingress checks signatures against its public URL, which holds its port when Twilio is
      // to call it directly, and the call-handler tells Twilio that URL: the ingress starts first.
      // Several instances share one public URL, as behind a load balancer.
      for (int i = 0; i < count; i++) {
        int index = i;
        int port = services.run("ingress-gateway", IngressGatewayApplication::builder, common, p -> {
          if (index == 0) {
            services.publicBaseUrl = publicBaseUrl == null ? "http://127.0.0.1:" + p : publicBaseUrl;
          }
          return Map.of("switchboard.ingress.public-base-url", services.publicBaseUrl);
        });
        services.ingressPort = i == 0 ? port : services.ingressPort;
      }
      for (int i = 0; i < count; i++) {
        String stateDir = stack.workDir().resolve("call-handler-state-" + i).toString();
        int port = services.run("call-handler", CallHandlerApplication::builder, common, p -> Map.of(
            "switchboard.call-handler.public-base-url", services.publicBaseUrl,
            "switchboard.call-handler.state-dir", stateDir));
        services.callHandlerPort = i == 0 ? port : services.callHandlerPort;
      }
      for (int i = 0; i < count; i++) {
        int port = services.run("health-monitor", HealthMonitorApplication::builder, common, p -> Map.of(
            "switchboard.jwt-public-key", services.tokens.publicKeyPem()));
        services.healthPort = i == 0 ? port : services.healthPort;
      }
      for (int i = 0; i < count; i++) {
        int port = services.run("company-admin", CompanyAdminApplication::builder, common, p -> Map.of(
            "switchboard.admin.mongo-uri", common.getOrDefault("switchboard.admin.mongo-uri", stack.mongoUri()),
            "switchboard.admin.database", DATABASE,
            "switchboard.jwt-public-key", services.tokens.publicKeyPem(),
            // mongo-java-server does not honour partial indexes: the index would refuse every company
            // without phoneNumbers[]. Against MongoDB the index is on; the API's own check refuses
            // duplicates either way.
            "switchboard.admin.unique-number-index", false,
            "switchboard.admin.resolver-url", "http://127.0.0.1:" + services.resolverPort));
        services.adminPort = i == 0 ? port : services.adminPort;
      }
      return services;
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
  }

  /**
   * Starts one process on a port drawn for it, and returns that port. Its own settings may depend
   * on the port (an advertised address, a public URL). A port can be taken by another program
   * between the draw and the bind; the process is then started again on another one.
   */
  private int run(String name, Supplier<SpringApplicationBuilder> builder, Map<String, Object> common,
      IntFunction<Map<String, Object>> own) {
    if (leftOut.contains(name)) {
      Map<String, Object> settings = new HashMap<>(common);
      settings.putAll(own.apply(0));
      settingsOfLeftOut.put(name, settings);
      return -1;
    }
    Instance instance = new Instance(name, builder, new HashMap<>(common));
    // A lasting name per instance, as a StatefulSet's pod has: restarts hand Streams tasks over at once.
    instance.settings.put("switchboard.instance-id", name + "-" + instances(name));
    for (int attempt = 1; ; attempt++) {
      int port = FreePorts.next();
      instance.settings.putAll(own.apply(port));
      instance.port = port;
      try {
        launch(instance);
        instances.add(instance);
        return port;
      } catch (RuntimeException e) {
        if (attempt >= PORT_ATTEMPTS || !portTaken(e)) {
          throw e;
        }
      }
    }
  }

  private static void launch(Instance instance) {
    Map<String, Object> props = new HashMap<>(instance.settings);
    props.put("server.port", instance.port);
    // As command-line arguments, so they outrank each process's own properties file.
    String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    // Closed by close(), in order and before the stack they run on: a JVM shutdown hook of their
    // own would race the stack's and find the broker gone.
    instance.context = instance.builder.get().registerShutdownHook(false).run(args);
  }

  /** How many instances of the process run. */
  public int instances(String process) {
    return (int) instances.stream().filter(i -> i.process.equals(process)).count();
  }

  /** The HTTP addresses of every instance of a process, in the order they started. */
  public List<String> urls(String process) {
    return instances.stream().filter(i -> i.process.equals(process)).map(i -> "http://127.0.0.1:" + i.port).toList();
  }

  /**
   * Stops one instance of a process gracefully, as an orchestrator does in a rolling restart, and
   * starts it again with the same settings on the same port; returns once it has started.
   */
  public void restart(String process, int index) {
    restart(process, index, () -> { });
  }

  /**
   * The same, running {@code whileStopped} between the stop and the start (to wipe a state
   * directory, as a replaced machine would have none).
   */
  public void restart(String process, int index, Runnable whileStopped) {
    Instance instance = instances.stream().filter(i -> i.process.equals(process)).skip(index).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no instance " + index + " of " + process));
    long began = System.nanoTime();
    instance.context.close();
    whileStopped.run();
    long stopped = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        launch(instance);
        log.info("Restarted {} #{}: stopped in {} ms, started in {} ms", process, index,
            (stopped - began) / 1_000_000, (System.nanoTime() - stopped) / 1_000_000);
        return;
      } catch (RuntimeException e) {
        if (attempt >= PORT_ATTEMPTS || !portTaken(e)) {
          throw e;
        }
      }
    }
  }

  private static boolean portTaken(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof PortInUseException) {
        return true;
      }
    }
    return false;
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
    for (int i = instances.size() - 1; i >= 0; i--) {
      ConfigurableApplicationContext context = instances.get(i).context;
      if (context != null && context.isActive()) {
        context.close();
      }
    }
    instances.clear();
  }
}
