package io.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Every number more than one company claims, with the company that keeps it. */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
    description = "List every number claimed by more than one company, and which company keeps it.")
final class ConflictsCommand implements Callable<Integer> {

  @Mixin
  ResolverOptions resolver;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode conflicts = resolver.api().conflicts();
    PrintWriter out = spec.commandLine().getOut();
    if (conflicts.isEmpty()) {
      out.println("No number is claimed by more than one company.");
    }
    for (JsonNode conflict : conflicts) {
      StringBuilder claimants = new StringBuilder();
      for (JsonNode claim : conflict.path("claims")) {
        claimants.append(claimants.isEmpty() ? "" : ", ").append(claim.path("companyId").asText())
            .append(" (").append(claim.path("status").asText()).append(" since ").append(claim.path("claimedAt").asText())
            .append(')');
      }
      out.printf("%s kept by %s; claimed by %s%n", conflict.path("number").asText(),
          conflict.path("ownerCompanyId").asText(), claimants);
    }
    out.flush();
    return 0;
  }
}
