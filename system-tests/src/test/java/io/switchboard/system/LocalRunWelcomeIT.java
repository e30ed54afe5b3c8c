package io.switchboard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.local.DemoCompany;
import io.switchboard.local.SwitchboardLocal;
import io.switchboard.local.SwitchboardServices;
import io.switchboard.local.stack.LocalStack;
import io.switchboard.local.twilio.TwilioStandIn;
import io.switchboard.schemas.kafka.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * What {@code ./switchboard run} prints is enough to use the console: its URL, and a sign-in for the
 * demo admin and one for the demo company's user, each of which opens the right pages.
 */
class LocalRunWelcomeIT {

  @Test
  void shouldPrintTheConsoleAndSignInsThatWork() throws Exception {
    LocalStack stack = SharedStack.stack();
    SwitchboardServices services = SharedStack.services();
    String suffix = String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    DemoCompany demo = new DemoCompany(new ObjectId().toHexString(), "Welcome Plumbing",
        String.format("AC%032x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE)), "w".repeat(32),
        List.of("+1555828" + suffix, "+1555829" + suffix), "+1-555-830-" + suffix, "+15559876543");
    stack.twilio().register(demo.accountSid(), demo.authToken(), TwilioStandIn.Behaviour.OK);
    demo.insertInto(stack.mongoUri(), SwitchboardServices.DATABASE);
    TopicTables.awaitTable(stack.kafkaClients(), Topics.PHONE_ROUTES, t -> t.get(demo.numbers().get(0)) != null,
        Duration.ofSeconds(30));

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SwitchboardLocal.printWelcome(new PrintStream(printed, true, StandardCharsets.UTF_8), stack, services, demo);
    String welcome = printed.toString(StandardCharsets.UTF_8);

    String consoleUrl = find(welcome, "Console: (\\S+)");
    assertThat(consoleUrl).isEqualTo(services.adminUrl() + "/console");
    String adminToken = find(welcome, "demo admin token \\([^)]*\\): (\\S+)");
    String companyToken = find(welcome, "as the demo company's user \\(" + demo.companyId() + ", [^)]*\\): (\\S+)");

    try (Browser browser = Browser.start()) {
      signIn(browser, consoleUrl, companyToken);
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/control-center"));
      assertThat(browser.driver.findElement(By.tagName("h1")).getText()).contains("Welcome Plumbing");
      assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains(demo.numbers().get(0));
      browser.driver.findElement(By.cssSelector("form.sign-out button")).click();

      signIn(browser, consoleUrl, adminToken);
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver.getCurrentUrl().endsWith("/console/companies"));
      assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Companies");
    }
  }

  private static void signIn(Browser browser, String consoleUrl, String token) {
    browser.open(consoleUrl);
    browser.driver.findElement(By.id("token")).sendKeys(token);
    browser.driver.findElement(By.cssSelector("main button[type=submit]")).click();
  }

  private static String find(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as("%s in:%n%s", regex, text).isTrue();
    return matcher.group(1);
  }
}
