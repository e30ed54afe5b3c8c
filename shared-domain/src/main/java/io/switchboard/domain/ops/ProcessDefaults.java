package io.switchboard.domain.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * What every Switchboard process has in common as a Spring Boot application: its own properties
 * file ({@code <process>.properties}, so that several processes can share one class path), health
 * with liveness and readiness probes, Prometheus metrics, structured JSON logs, and a graceful
 * shutdown bounded in time.
 * These are defaults: the process's file, the environment and the command line override them.
 */
public final class ProcessDefaults {

  /** How long the processes' shutdown phases may take in all before the process stops anyway. */
  public static final String SHUTDOWN_PHASE_TIMEOUT = "20s";

  private ProcessDefaults() {}

  public static SpringApplicationBuilder application(Class<?> applicationClass, String processName) {
    return new SpringApplicationBuilder(applicationClass).properties(properties(processName));
  }

  static Map<String, Object> properties(String processName) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("spring.config.name", processName);
    props.put("spring.application.name", processName);
    props.put("management.endpoints.web.exposure.include", "health,info,prometheus");
    props.put("management.endpoint.health.probes.enabled", true);
    props.put("management.endpoint.health.show-details", "always");
    props.put("management.endpoint.health.group.liveness.include", "livenessState");
    props.put("management.endpoint.health.group.readiness.include", "readinessState,switchboard");
    // Several processes share one JVM in the local stack: each keeps its meters to itself.
    props.put("management.metrics.use-global-registry", false);
    // One JSON object per line (Elastic Common Schema), with the MDC's callSid, companyId and eventId
    // as fields. A logback.xml on the class path (the local stack's) replaces it with readable lines.
    props.put("logging.structured.format.console", "ecs");
    // No process takes uploads or form-encoded PUTs: the ingress reads its own bodies (the signature
    // covers them), and parsing them early turns a hostile body into a 500 instead of the API's 4xx.
    props.put("spring.servlet.multipart.enabled", false);
    props.put("spring.mvc.formcontent.filter.enabled", false);
    // The processes share one class path: only those that describe an API (company-admin,
    // health-monitor) turn the OpenAPI description on, in their own properties file.
    props.put("springdoc.api-docs.enabled", false);
    props.put("server.shutdown", "graceful");
    props.put("spring.lifecycle.timeout-per-shutdown-phase", SHUTDOWN_PHASE_TIMEOUT);
    return props;
  }
}
