package io.switchboard.bench.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.bench.Fleet;
import io.switchboard.bench.LoadClient;
import io.switchboard.bench.OpenLoopLoad;
import io.switchboard.bench.OpenLoopLoad.Outcome;
import io.switchboard.bench.VoiceWebhooks;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.ApicurioRegistry;
import io.switchboard.local.stack.LocalStack;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A picture of the Switchboard dashboard over a short load: starts the local stack and every
 * process, a real Prometheus scraping them, sends signed incoming calls across a small fleet (and
 * a few forged ones), then asks Prometheus every panel's own queries and draws the dashboard's
 * layout with the answers, screenshotted by headless Chromium.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Screenshot the Grafana dashboard's panels over a short load (needs prometheus and chromium).")
public final class DashboardSnapshot implements Callable<Integer> {

  @Option(names = "--seconds", defaultValue = "120", description = "Length of the load (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--rate", defaultValue = "40", description = "Signed calls per second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--dashboard", defaultValue = "deploy/grafana/dashboards/switchboard.json")
  Path dashboard;

  @Option(names = "--output", defaultValue = "docs/dashboard.png")
  Path output;

  @Option(names = "--prometheus", defaultValue = "/usr/bin/prometheus")
  Path prometheus;

  @Option(names = "--chromium", defaultValue = "/usr/bin/chromium")
  Path chromium;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DashboardSnapshot()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    JsonNode panels = new ObjectMapper().readTree(Files.readString(dashboard));
    Fleet fleet = Fleet.generate(60, 180, 20261201L);
    try (LocalStack stack = LocalStack.start(ApicurioRegistry.defaultHome())) {
      fleet.registerWith(stack.twilio());
      fleet.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
      // A short reply budget, so that the deferred path and its call updates show too.
      try (SwitchboardServices services = SwitchboardServices.start(stack, null,
              Map.of("switchboard.ingress.reply-budget", "60ms"));
          LoadClient http = new LoadClient(OpenLoopLoad.DEFAULT_MAX_IN_FLIGHT, Duration.ofSeconds(15));
          PrometheusServer metrics = new PrometheusServer(prometheus, stack.workDir().resolve("prometheus"),
              services.processUrls().values().stream().map(u -> URI.create(u).getAuthority()).toList())) {
        VoiceWebhooks webhooks = new VoiceWebhooks(fleet, services.publicBaseUrl() + "/api/twilio/voice", http, 7);
        awaitRouting(webhooks);
        metrics.awaitTargetsUp(services.processUrls().size(), Duration.ofSeconds(60));
        Instant start = Instant.now();
        OpenLoopLoad.Result result = OpenLoopLoad.run(rate, Duration.ofSeconds(seconds), Duration.ofSeconds(15),
            (i, t) -> i % 50 == 49 ? forged(webhooks, i) : webhooks.call(i));
        System.out.printf("Sent %d webhooks at %d/s for %d s: %s%n", result.sent(), rate, seconds, result.outcomes());
        // Two more scrapes, so that the last seconds of the load are in the range queries.
        TimeUnit.SECONDS.sleep(6);
        Instant end = Instant.now();
        Map<Integer, List<DashboardRenderer.Series>> data = new LinkedHashMap<>();
        for (JsonNode panel : panels.path("panels")) {
          List<DashboardRenderer.Series> series = new ArrayList<>();
          for (JsonNode target : panel.path("targets")) {
            series.addAll(DashboardRenderer.series(metrics.range(target.path("expr").asText(), start, end,
                Duration.ofSeconds(4)), target.path("legendFormat").asText()));
          }
          data.put(panel.path("id").asInt(), series);
        }
        String caption = "Panels of %s drawn from a real Prometheus scraping every process of the local stack; %d signed calls at %d/s for %d s across %d companies, 1 in 50 forged, reply budget 60 ms; %s UTC"
            .formatted(dashboard, result.sent(), rate, seconds, fleet.companies(),
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(end.atOffset(ZoneOffset.UTC)));
        Path html = stack.workDir().resolve("dashboard.html");
        Files.writeString(html, DashboardRenderer.html(panels, data, start.getEpochSecond(), end.getEpochSecond(),
            caption));
        screenshot(html);
        System.out.println("Wrote " + output.toAbsolutePath());
      }
    }
    return 0;
  }

  private static CompletableFuture<Outcome> forged(VoiceWebhooks webhooks, long i) {
    return webhooks.postForged(webhooks.nextNumber(), webhooks.callSid(i))
        .thenApply(answer -> answer.status() == 403 ? Outcome.OK : Outcome.WRONG_ANSWER);
  }

  private static void awaitRouting(VoiceWebhooks webhooks) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    for (long attempt = 0; webhooks.call(0, webhooks.callSid(Long.MAX_VALUE / 2 + attempt)).join() != Outcome.OK;
        attempt++) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the fleet does not route: " + webhooks.problems());
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    webhooks.clearProblems();
  }

  private void screenshot(Path html) throws Exception {
    Files.createDirectories(output.toAbsolutePath().getParent());
    Path profile = Files.createTempDirectory("dashboard-chromium");
    Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=1610,1720",
        "--screenshot=" + output.toAbsolutePath(), html.toUri().toString())
        .redirectErrorStream(true).start();
    browser.getInputStream().readAllBytes();
    if (!browser.waitFor(60, TimeUnit.SECONDS) || browser.exitValue() != 0 || !Files.isRegularFile(output)) {
      browser.destroyForcibly();
      throw new IllegalStateException("Chromium did not write " + output);
    }
  }
}
