package io.switchboard.health;

import io.switchboard.health.twilio.CredentialCheck;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every tenant once per period, each at a random offset inside the period so thousands of
 * tenants never burst Twilio together, with no more than a fixed number of checks in flight, and
 * at once when a tenant's config changes.
 */
public final class HealthScheduler implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthScheduler.class);

  private final CredentialCheck check;
  private final Consumer<TenantHealth> publish;
  private final Duration period;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, CompanyConfig> companies = new ConcurrentHashMap<>();

  public HealthScheduler(CredentialCheck check, Consumer<TenantHealth> publish, Duration period, int maxConcurrent) {
    this.check = check;
    this.publish = publish;
    this.period = period;
    this.workers = Executors.newFixedThreadPool(maxConcurrent);
  }

  /** Tells the scheduler of a config change (null: company deleted); a changed tenant is checked at once. */
  public void onCompany(String companyId, CompanyConfig config) {
    if (config == null) {
      companies.remove(companyId);
      return;
    }
    boolean known = companies.put(companyId, config) != null;
    submit(companyId);
    if (!known) {
      long offset = ThreadLocalRandom.current().nextLong(Math.max(1, period.toMillis()));
      timer.scheduleAtFixedRate(() -> submit(companyId), offset, period.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void submit(String companyId) {
    workers.execute(() -> {
      CompanyConfig config = companies.get(companyId);
      if (config == null) {
        return;
      }
      try {
        publish.accept(check.check(config));
      } catch (RuntimeException e) {
        log.error("Health check of company {} failed: {}", companyId, e.getMessage());
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
