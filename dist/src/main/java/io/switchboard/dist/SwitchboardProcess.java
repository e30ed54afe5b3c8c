package io.switchboard.dist;

import io.switchboard.admin.CompanyAdminApplication;
import io.switchboard.callhandler.CallHandlerApplication;
import io.switchboard.health.HealthMonitorApplication;
import io.switchboard.ingress.IngressGatewayApplication;
import io.switchboard.mirror.ConfigMirrorApplication;
import io.switchboard.resolver.TenantResolverApplication;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The Switchboard processes the production artifact runs, by the name a deployment gives them. */
public enum SwitchboardProcess {

  CONFIG_MIRROR("config-mirror", ConfigMirrorApplication.class, ConfigMirrorApplication::builder),
  TENANT_RESOLVER_STREAM("tenant-resolver-stream", TenantResolverApplication.class, TenantResolverApplication::builder),
  CALL_HANDLER("call-handler", CallHandlerApplication.class, CallHandlerApplication::builder),
  INGRESS_GATEWAY("ingress-gateway", IngressGatewayApplication.class, IngressGatewayApplication::builder),
  HEALTH_MONITOR("health-monitor", HealthMonitorApplication.class, HealthMonitorApplication::builder),
  COMPANY_ADMIN("company-admin", CompanyAdminApplication.class, CompanyAdminApplication::builder);

  private final String processName;
  private final Class<?> applicationClass;
  private final Supplier<SpringApplicationBuilder> builder;

  SwitchboardProcess(String processName, Class<?> applicationClass, Supplier<SpringApplicationBuilder> builder) {
    this.processName = processName;
    this.applicationClass = applicationClass;
    this.builder = builder;
  }

  public String processName() {
    return processName;
  }

  public Class<?> applicationClass() {
    return applicationClass;
  }

  public SpringApplicationBuilder builder() {
    return builder.get();
  }

  public static Optional<SwitchboardProcess> named(String name) {
    return Arrays.stream(values()).filter(p -> p.processName.equals(name)).findFirst();
  }
}
