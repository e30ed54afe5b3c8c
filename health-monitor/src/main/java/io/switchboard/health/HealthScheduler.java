package io.switchboard.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.twilio.CredentialCheck;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.HealthAlert;
import io.switchboard.schemas.tenants.HealthStatus;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every tenant once per period, each at its own random offset inside the period so thousands
 * of tenants never burst Twilio together, with no more than a fixed number of checks in flight, and
 * at once when a tenant's config changes. The global credentials, when configured, are checked on
 * the same schedule. Results are published; transitions raise alerts (see {@link HealthTracker}).
 */
public final class HealthScheduler implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthScheduler.class);
  static final String GLOBAL = "global";

  private final CredentialCheck check;
  private final HealthTracker tracker;
  private final Consumer<TenantHealth> publish;
  private final Consumer<HealthAlert> alert;
  private final Duration period;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, CompanyConfig> companies = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();
  private final Set<String> checking = ConcurrentHashMap.newKeySet();
  private final Set<String> again = ConcurrentHashMap.newKeySet();
  private final Timer latency;
  private final Counter skipped;
  private volatile TenantHealth global;
  /** Whether this instance checks a company: it holds the company's partition of the config topic. */
  private volatile Predicate<String> owns = companyId -> true;
  /** The last health published for a company, by whichever instance checked it. */
  private volatile Function<String, TenantHealth> lastPublished = companyId -> null;

  public HealthScheduler(CredentialCheck check, HealthTracker tracker, Consumer<TenantHealth> publish,
      Consumer<HealthAlert> alert, Duration period, int maxConcurrent, MeterRegistry meters) {
    this.check = check;
    this.tracker = tracker;
    this.publish = publish;
    this.alert = alert;
    this.period = period;
    this.workers = Executors.newFixedThreadPool(maxConcurrent);
    this.latency = Timer.builder("switchboard.health.check.latency").description("time to check one tenant")
        .publishPercentileHistogram().register(meters);
    this.skipped = Counter.builder("switchboard.health.checks.skipped")
        .description("periodic checks not queued because the tenant's previous check had not ended").register(meters);
    for (HealthStatus status : HealthStatus.values()) {
      Gauge.builder("switchboard.health.tenants", tracker, t -> t.settled().values().stream()
          .filter(h -> h.getStatus() == status).count()).tag("status", status.name()).register(meters);
    }
  }

  /** Checks the global credentials now and then once per period. */
  public void watchGlobal(String accountSid, Secret token) {
    timer.scheduleAtFixedRate(() -> workers.execute(() -> {
      global = check.check(GLOBAL, accountSid, token);
      log.info("Global Twilio credentials: {}", global.getStatus());
    }), 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Optional<TenantHealth> global() {
    return Optional.ofNullable(global);
  }

  /**
   * Shares the tenants with other instances: this one checks only the companies {@code owns} accepts,
   * and when it takes a company over it starts from the health last published for it, so a
   * transition another instance already alerted on is not alerted on again.
   */
  public void share(Predicate<String> owns, Function<String, TenantHealth> lastPublished) {
    this.owns = owns;
    this.lastPublished = lastPublished;
    ownershipChanged();
  }

  /** Starts checking the companies now owned, and stops checking those no longer owned. */
  public synchronized void ownershipChanged() {
    companies.keySet().forEach(this::reconcile);
  }

  /** Tells the scheduler of a config change (null: company deleted); a changed tenant it owns is checked at once. */
  public synchronized void onCompany(String companyId, CompanyConfig config) {
    if (config == null) {
      companies.remove(companyId);
      stop(companyId);
      return;
    }
    companies.put(companyId, config);
    if (!reconcile(companyId) && schedules.containsKey(companyId)) {
      submit(companyId, true);
    }
  }

  /** Schedules or unschedules one company by ownership; true when it was just scheduled (and checked). */
  private boolean reconcile(String companyId) {
    boolean scheduled = schedules.containsKey(companyId);
    if (owns.test(companyId) && companies.containsKey(companyId)) {
      if (scheduled) {
        return false;
      }
      TenantHealth last = lastPublished.apply(companyId);
      if (last != null) {
        tracker.seed(last);
      }
      submit(companyId, true);
      long offset = ThreadLocalRandom.current().nextLong(Math.max(1, period.toMillis()));
      schedules.put(companyId,
          timer.scheduleAtFixedRate(() -> submit(companyId, false), offset, period.toMillis(), TimeUnit.MILLISECONDS));
      return true;
    }
    if (scheduled) {
      stop(companyId);
    }
    return false;
  }

  private void stop(String companyId) {
    tracker.forget(companyId);
    ScheduledFuture<?> schedule = schedules.remove(companyId);
    if (schedule != null) {
      schedule.cancel(false);
    }
  }

  public Optional<CompanyConfig> company(String companyId) {
    return Optional.ofNullable(companies.get(companyId));
  }

  /**
   * Queues a check of the company unless one is queued or running: a tenant whose check hangs (its
   * Twilio answers slowly) is never queued again behind itself, so the queue holds at most one check
   * per tenant. A periodic check due meanwhile is skipped; a change of the company's configuration
   * arriving meanwhile asks for one more check once the current one ends.
   */
  private void submit(String companyId, boolean changed) {
    if (!checking.add(companyId)) {
      if (changed) {
        again.add(companyId);
      } else {
        skipped.increment();
      }
      return;
    }
    workers.execute(() -> {
      try {
        checkNow(companyId);
      } finally {
        checking.remove(companyId);
        if (again.remove(companyId) && companies.containsKey(companyId)) {
          submit(companyId, true);
        }
      }
    });
  }

  /** Tenants with a check queued or running. */
  int checksInProgress() {
    return checking.size();
  }

  private void checkNow(String companyId) {
    CompanyConfig config = companies.get(companyId);
    if (config == null || !owns.test(companyId)) {
      return;
    }
    try {
      TenantHealth health = latency.record(() -> check.check(config));
      if (!owns.test(companyId)) {
        // The company moved to another instance while its check ran: that one checks and alerts now.
        return;
      }
      publish.accept(health);
      tracker.record(health).ifPresent(raised -> {
        log.warn("{} for company {}: {}", raised.getType(), companyId, raised.getReason());
        alert.accept(raised);
      });
    } catch (RuntimeException e) {
      log.error("Health check of company {} failed: {}", companyId, e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
