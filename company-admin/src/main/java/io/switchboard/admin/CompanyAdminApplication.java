package io.switchboard.admin;

import io.switchboard.domain.config.SwitchboardBeans;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/**
 * The company-admin process, which will serve the company configuration API over MongoDB. It
 * exposes no endpoint yet: the API is only served once it authenticates callers with JWTs and
 * writes credentials encrypted.
 */
@SpringBootApplication
@Import(SwitchboardBeans.class)
public class CompanyAdminApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /** The application, reading {@code company-admin.properties}. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(CompanyAdminApplication.class).properties("spring.config.name=company-admin");
  }
}
