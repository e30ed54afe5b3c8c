package io.switchboard.admin.console;

import io.switchboard.schemas.common.RoutingSnapshot;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Whether a company's saved configuration is what calls are routed by: each of its active numbers
 * is on {@code tenants.phone-routes} as the company's, active, with the saved routing mode, forward
 * number and recording setting; each inactive one is not routed to it.
 */
final class LiveRoutes {

  private LiveRoutes() {}

  /** The numbers whose route does not show the saved configuration yet, with what differs. */
  @SuppressWarnings("unchecked")
  static List<String> notYetLive(Map<String, Object> view, Function<String, PhoneRoute> routes) {
    String companyId = String.valueOf(view.get("companyId"));
    List<String> waiting = new ArrayList<>();
    String mode = view.get("callRoutingMode") == null ? null
        : view.get("callRoutingMode").toString().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Map<String, Object> entry : (List<Map<String, Object>>) view.getOrDefault("phoneNumbers", List.of())) {
      String number = String.valueOf(entry.get("phoneNumber"));
      PhoneRoute route = routes.apply(number);
      boolean ours = route != null && companyId.equals(route.getCompanyId());
      if (!"active".equals(entry.get("status"))) {
        if (ours && "ACTIVE".equals(route.getStatus().name())) {
          waiting.add(number + " (still active)");
        }
        continue;
      }
      if (!ours || !"ACTIVE".equals(route.getStatus().name())) {
        waiting.add(number + " (not routed yet)");
        continue;
      }
      RoutingSnapshot snapshot = route.getRoute();
      if (mode != null && (snapshot == null || !mode.equals(snapshot.getRoutingMode().name()))) {
        waiting.add(number + " (routing mode)");
      } else if (snapshot != null && !Objects.equals(view.get("forwardNumber"), snapshot.getForwardNumber())
          && "FORWARD".equals(mode)) {
        waiting.add(number + " (forward number)");
      } else if (snapshot != null && Boolean.TRUE.equals(view.get("recordingEnabled")) != snapshot.getRecordingEnabled()) {
        waiting.add(number + " (recording)");
      }
    }
    return waiting;
  }
}
