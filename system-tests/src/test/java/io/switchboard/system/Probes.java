package io.switchboard.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an orchestrator and a Prometheus scraper see of a process. */
final class Probes {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

  private Probes() {}

  static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> readiness(String processUrl) {
    return get(processUrl + "/actuator/health/readiness");
  }

  /** The text a Prometheus server scrapes from the process. */
  static String scrape(String processUrl) {
    HttpResponse<String> response = get(processUrl + "/actuator/prometheus");
    if (response.statusCode() != 200) {
      throw new IllegalStateException("scrape of " + processUrl + " answered " + response.statusCode());
    }
    return response.body();
  }

  /**
   * How many company-config records the process's copies of that topic have taken in since they
   * caught up (the count of its config-propagation timer).
   */
  static double companyConfigRecordsSeen(String processUrl) {
    Matcher m = Pattern.compile("^switchboard_config_propagation_seconds_count\\{[^}]*topic=\"tenants\\.company-config\""
        + "[^}]*} ([0-9.E]+)", Pattern.MULTILINE).matcher(scrape(processUrl));
    double seen = 0;
    while (m.find()) {
      seen += Double.parseDouble(m.group(1));
    }
    return seen;
  }

  /** The sum of a metric's samples in a scrape, over all their tags. */
  static double metric(String scrape, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.E+-]+)$", Pattern.MULTILINE)
        .matcher(scrape);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** The metric names of the samples in a scrape. */
  static Set<String> metricNames(String scrape) {
    Set<String> names = new TreeSet<>();
    Matcher m = SAMPLE.matcher(scrape);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
