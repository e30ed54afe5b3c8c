package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The company console in a real browser (headless Chromium), end to end through Kafka: a company
 * user changes the routing and the next call follows it; numbers are validated and normalised as
 * typed; the Auth Token never reaches the browser; another company's pages are refused; an admin
 * finds companies, health and dead letters; no page has a serious accessibility problem. The tests
 * save a screenshot of every page in docs/console/.
 */
class ConsoleBrowserIT {

  private final SwitchboardServices services = SharedStack.services();
  private final LocalStack stack = SharedStack.stack();
  private final String company = "console-" + ThreadLocalRandom.current().nextInt(1_000_000);
  private final String account = String.format("AC%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
  private final String firstToken = "c1" + String.format("%030x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
  private final String number = "+1555818" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
  /** Accessibility problems of every page visited, by page. */
  private final Map<String, List<String>> accessibility = new LinkedHashMap<>();

  private void seedCompany() {
    stack.twilio().register(account, firstToken, TwilioStandIn.Behaviour.OK);
    try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
      mongo.getDatabase(SwitchboardServices.DATABASE).getCollection("v2companies").insertOne(new Document("_id", company)
          .append("companyName", "Console Dental").append("twilioConfig", new Document("accountSid", account)
              .append("authToken", firstToken).append("callRoutingMode", "voicemail")
              .append("phoneNumbers", List.of(new Document("phoneNumber", number).append("status", "active")
                  .append("isPrimary", true)))));
    }
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(number) != null, Duration.ofSeconds(30));
    Webhooks.awaitIngressKnows(services.ingressUrl(), company, firstToken);
  }

  private void signIn(Browser browser, String token) {
    browser.open(services.adminUrl() + "/console");
    assertThat(browser.driver.getCurrentUrl()).contains("/console/sign-in");
    browser.driver.findElement(By.id("token")).sendKeys(token);
    browser.driver.findElement(By.cssSelector("main button[type=submit]")).click();
    await("signed in").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(browser.driver.getCurrentUrl())
        .as(() -> browser.driver.findElement(By.tagName("body")).getText()).doesNotContain("/sign-in"));
  }

  private void look(Browser browser, String page) throws Exception {
    browser.screenshot(page);
    accessibility.put(page, browser.accessibilityProblems());
    browser.newResponseBodies();
  }

  @Test
  void shouldLetACompanyUserChangeTheRoutingAndSeeItLiveWithoutEverReceivingTheToken() throws Exception {
    seedCompany();
    String secondToken = "c2" + String.format("%030x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    try (Browser browser = Browser.start()) {
      browser.open(services.adminUrl() + "/console");
      look(browser, "sign-in");
      signIn(browser, services.tokens().companyToken(company, Duration.ofMinutes(30)));

      // The control center, in voicemail mode.
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/control-center"));
      assertThat(browser.driver.findElement(By.id("mode-voicemail")).isSelected()).isTrue();
      assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains(number);
      look(browser, "control-center");

      // Forward to a number: saved, then shown live once the route is on tenants.phone-routes.
      browser.driver.findElement(By.id("mode-forward")).click();
      WebElement forward = browser.driver.findElement(By.id("forwardNumber"));
      forward.clear();
      forward.sendKeys("+15559876543");
      browser.driver.findElement(By.id("whisperMessage")).sendKeys("Call for Console Dental");
      browser.driver.findElement(By.cssSelector("form[action$='/routing'] button[type=submit]")).click();
      await("the page shows the change live").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
          .until(() -> !browser.driver.findElements(By.cssSelector("#live.live")).isEmpty());
      assertThat(browser.driver.findElement(By.id("live")).getText()).contains("Live");
      look(browser, "control-center-live");
      // ... and a call to the number now gets the forward TwiML.
      HttpResponse<String> call = Webhooks.post(services.ingressUrl(), "/api/twilio/voice",
          Webhooks.voiceCall(account, "CA" + "c".repeat(32), "+15557654321", number), firstToken);
      assertThat(call.statusCode()).isEqualTo(200);
      assertThat(call.body()).contains("<Dial").contains("+15559876543");

      // A number that is not one is refused next to the field; a national one is shown normalised.
      WebElement add = browser.driver.findElement(By.id("phoneNumber"));
      add.sendKeys("12ab");
      await().atMost(Duration.ofSeconds(5)).until(() -> browser.driver.findElement(By.id("phoneNumber-preview"))
          .getText().contains("Not a phone number"));
      browser.driver.findElement(By.cssSelector("form.add-number button[type=submit]")).click();
      await().atMost(Duration.ofSeconds(5)).until(() -> !browser.driver.findElements(By.id("phoneNumber-error")).isEmpty());
      assertThat(browser.driver.findElement(By.id("phoneNumber-error")).getText()).contains("is not a phone number");
      assertThat(browser.driver.findElement(By.id("phoneNumber")).getAttribute("aria-invalid")).isEqualTo("true");
      look(browser, "control-center-invalid-number");
      WebElement again = browser.driver.findElement(By.id("phoneNumber"));
      again.clear();
      String digits = number.substring(number.length() - 4);
      again.sendKeys("(555) 819-" + digits);
      await().atMost(Duration.ofSeconds(5)).until(() -> browser.driver.findElement(By.id("phoneNumber-preview"))
          .getText().contains("Will be saved as +1555819" + digits));
      look(browser, "control-center-number-preview");
      browser.driver.findElement(By.cssSelector("form.add-number button[type=submit]")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.findElement(By.cssSelector("main table"))
          .getText().contains("+1555819" + digits));

      // A new Auth Token: checked with Twilio, saved, and never sent back.
      stack.twilio().register(account, secondToken, TwilioStandIn.Behaviour.OK);
      browser.open(services.adminUrl() + "/console/companies/" + company + "/configuration");
      look(browser, "configuration");
      browser.driver.findElement(By.id("authToken")).sendKeys(secondToken);
      browser.driver.findElement(By.cssSelector("main form button[type=submit]")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.findElement(By.tagName("main")).getText()
          .contains("Twilio accepted the credentials"));
      assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains("****" + secondToken.substring(28));
      assertThat(browser.driver.findElement(By.id("authToken")).getAttribute("value")).isEmpty();
      look(browser, "configuration-saved");

      // The other pages of the company.
      browser.open(services.adminUrl() + "/console/companies/" + company + "/calls");
      await().atMost(Duration.ofSeconds(15)).until(() -> browser.driver.findElement(By.id("call-rows")).getText()
          .contains("Call routed"));
      look(browser, "calls");
      browser.open(services.adminUrl() + "/console/companies/" + company + "/health");
      look(browser, "health");
      browser.open(services.adminUrl() + "/console/numbers/explain?companyId=" + company + "&number="
          + number.replace("+", "%2B"));
      assertThat(browser.driver.findElement(By.cssSelector(".verdict")).getText()).contains("Routes to company " + company);
      look(browser, "explain");

      // Another company's page is refused, not merely hidden.
      browser.open(services.adminUrl() + "/console/companies/someone-else/control-center");
      assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
      assertThat(browser.driver.getPageSource()).doesNotContain("Call routing");
      browser.open(services.adminUrl() + "/console/companies");
      assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
      look(browser, "refused");

      // The token, old or new, is in no page and no response the browser received.
      List<String> bodies = new ArrayList<>(browser.allResponseBodies());
      assertThat(bodies).hasSizeGreaterThan(10);
      assertThat(bodies).noneMatch(body -> body.contains(firstToken) || body.contains(secondToken));
      assertThat(accessibility).hasSize(11).allSatisfy((page, problems) -> assertThat(problems).as(page).isEmpty());
    }
  }

  @Test
  void shouldShowAnAdminEveryCompanyTheirHealthAndTheDeadLetters() throws Exception {
    seedCompany();
    // A record that cannot be answered, for the dead-letter pages.
    try (var producer = stack.kafkaClients().producer("console-it", new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.WEBHOOKS_RESOLVED.name(),
          "CA-console-dead", "not a webhook".getBytes())).get();
    }
    try (Browser browser = Browser.start()) {
      signIn(browser, services.tokens().adminToken(Duration.ofMinutes(30)));
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/console/companies"));
      browser.driver.findElement(By.id("q")).sendKeys("Console Dental");
      await().atMost(Duration.ofSeconds(5)).until(() -> browser.driver.findElement(By.id("company-rows")).getText()
          .contains(company));
      look(browser, "companies");

      browser.open(services.adminUrl() + "/console/health");
      look(browser, "health-all");
      browser.open(services.adminUrl() + "/console/dead-letters");
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        browser.driver.navigate().refresh();
        return browser.driver.findElement(By.tagName("main")).getText().contains(Topics.WEBHOOKS_RESOLVED.name());
      });
      look(browser, "dead-letters");
      browser.driver.findElement(By.cssSelector("main tbody a")).click();
      assertThat(browser.driver.findElement(By.cssSelector("pre.record")).getText()).isNotBlank();
      look(browser, "dead-letter");
      // Sent back only once confirmed.
      browser.driver.findElement(By.id("confirm")).click();
      browser.driver.findElement(By.cssSelector("form[action$='/redrive'] button[type=submit]")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.findElement(By.tagName("main")).getText()
          .contains("back to " + Topics.WEBHOOKS_RESOLVED.name()));
      assertThat(browser.allResponseBodies()).noneMatch(body -> body.contains(firstToken));
      assertThat(accessibility).hasSize(4).allSatisfy((page, problems) -> assertThat(problems).as(page).isEmpty());
    }
  }
}
