package io.switchboard.domain.routing;

import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a call to a company is answered at an instant: its business hours choose between its routing
 * mode and its after-hours mode, and a mode that lacks what it needs (forward without a number,
 * ai-agent without an agent endpoint) falls back to voicemail with a warning, never an error tone.
 * The call-handler answers by it; {@code switchboard explain} shows it.
 */
public final class CallRouting {

  /**
   * @param route the company's routing as it applies now (after-hours mode and number when closed)
   * @param mode the mode the call gets
   * @param rule the business-hours rule that applied, or null without business hours
   * @param warnings why the mode differs from the configured one, if it does
   */
  public record Routing(RoutingSnapshot route, RoutingMode mode, String rule, List<String> warnings) {}

  private CallRouting() {}

  public static Routing at(RoutingSnapshot route, Instant instant) {
    String rule = route.getBusinessHours() == null ? null
        : BusinessHoursRule.at(route.getBusinessHours(), instant).rule();
    RoutingSnapshot now = BusinessHoursRule.effective(route, instant);
    List<String> warnings = new ArrayList<>();
    RoutingMode mode = now.getRoutingMode();
    if (mode == RoutingMode.FORWARD && blank(now.getForwardNumber())) {
      warnings.add("routing mode forward has no forwardNumber; calls go to voicemail");
      mode = RoutingMode.VOICEMAIL;
    } else if (mode == RoutingMode.AI_AGENT && blank(now.getAiAgentUrl())) {
      warnings.add("routing mode ai-agent has no agent endpoint; calls go to voicemail");
      mode = RoutingMode.VOICEMAIL;
    } else if (mode == RoutingMode.UNKNOWN) {
      mode = RoutingMode.VOICEMAIL;
    }
    return new Routing(now, mode, rule, List.copyOf(warnings));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
