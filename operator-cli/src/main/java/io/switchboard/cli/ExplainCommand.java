package io.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Which company a number routes to and why, and what its last webhook resolved to. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain which company a number routes to, from which field, any conflict, and its last webhook.")
final class ExplainCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The number, in any written form (+15551234567, (555) 123-4567)")
  String number;

  @Mixin
  ResolverOptions resolver;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode answer = resolver.api().explain(number);
    PrintWriter out = spec.commandLine().getOut();
    out.println(answer.path("e164").asText());
    if (answer.path("ownerCompanyId").isNull() || answer.path("ownerCompanyId").isMissingNode()) {
      out.println("  owner      none");
    } else {
      out.printf("  owner      %s (%s, %s)%n", answer.path("ownerCompanyId").asText(), answer.path("ownerField").asText(),
          answer.path("status").asText());
    }
    for (JsonNode claim : answer.path("claims")) {
      out.printf("  claim      %s %s in %s since %s%n", claim.path("companyId").asText(), claim.path("status").asText(),
          claim.path("source").asText(), claim.path("claimedAt").asText());
    }
    JsonNode conflicts = answer.path("conflictingCompanyIds");
    out.println("  conflicts  " + (conflicts.isEmpty() ? "none" : conflicts.toString()));
    JsonNode last = answer.path("lastWebhook");
    if (last.isObject()) {
      String sid = last.path("callSid").isNull() ? last.path("messageSid").asText() : last.path("callSid").asText();
      out.printf("  last       %s at %s: %s%n", sid, last.path("receivedAt").asText(),
          last.path("resolved").asBoolean() ? "resolved to " + last.path("companyId").asText()
              : "unroutable, " + last.path("reason").asText());
    } else {
      out.println("  last       no webhook seen");
    }
    out.println("  verdict    " + answer.path("verdict").asText());
    out.flush();
    return 0;
  }
}
