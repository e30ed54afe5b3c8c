package io.switchboard.domain.routing;

import io.switchboard.schemas.common.BusinessHours;
import io.switchboard.schemas.common.DatedHours;
import io.switchboard.schemas.common.OpeningHours;
import io.switchboard.schemas.common.RoutingSnapshot;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a company is open at an instant, by its business hours: the wall-clock time in the
 * company's own zone (so daylight-saving changes move nothing: 18:00 is 18:00 there all year), a
 * dated exception for that local date first (a holiday closed all day, or other hours), else the
 * weekly hours of that day of the week. Open means the configured routing mode; closed, the
 * after-hours mode.
 */
public final class BusinessHoursRule {

  /** What a call at a given instant gets, and in words why. */
  public record Decision(boolean open, String rule) {}

  private BusinessHoursRule() {}

  public static Decision at(BusinessHours hours, Instant instant) {
    ZoneId zone;
    try {
      zone = ZoneId.of(hours.getTimeZone());
    } catch (DateTimeException e) {
      return new Decision(true, "business hours ignored: unknown time zone " + hours.getTimeZone());
    }
    ZonedDateTime local = instant.atZone(zone);
    LocalDate date = local.toLocalDate();
    LocalTime time = local.toLocalTime();
    Optional<DatedHours> exception = hours.getExceptions().stream()
        .filter(e -> e.getDate().equals(date.toString())).findFirst();
    if (exception.isPresent()) {
      DatedHours day = exception.get();
      String note = day.getNote() == null ? "" : " (" + day.getNote() + ")";
      if (day.getOpen() == null || day.getClose() == null) {
        return new Decision(false, "after hours: closed " + date + note + ", " + zone);
      }
      boolean open = within(time, day.getOpen(), day.getClose());
      return new Decision(open, (open ? "open: " : "after hours: ") + date + " " + day.getOpen() + "-" + day.getClose()
          + note + ", " + zone);
    }
    DayOfWeek dayOfWeek = date.getDayOfWeek();
    List<OpeningHours> today = hours.getWeekly().stream()
        .filter(h -> h.getDay().equalsIgnoreCase(dayOfWeek.name())).toList();
    String dayName = dayOfWeek.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    for (OpeningHours interval : today) {
      if (within(time, interval.getOpen(), interval.getClose())) {
        return new Decision(true, "open: " + dayName + " " + interval.getOpen() + "-" + interval.getClose() + ", " + zone);
      }
    }
    String usual = today.isEmpty() ? "closed on " + dayName + "s"
        : "outside " + dayName + " " + today.stream().map(h -> h.getOpen() + "-" + h.getClose())
            .collect(Collectors.joining(", "));
    return new Decision(false, "after hours: " + usual + ", " + zone);
  }

  /**
   * The routing a call received at this instant gets: the company's own when there are no business
   * hours or it is open, else its after-hours mode (and after-hours forward number).
   */
  public static RoutingSnapshot effective(RoutingSnapshot route, Instant instant) {
    BusinessHours hours = route.getBusinessHours();
    if (hours == null || at(hours, instant).open()) {
      return route;
    }
    RoutingSnapshot.Builder afterHours = RoutingSnapshot.newBuilder(route).setRoutingMode(hours.getAfterHoursMode());
    if (hours.getAfterHoursForwardNumber() != null) {
      afterHours.setForwardNumber(hours.getAfterHoursForwardNumber());
    }
    return afterHours.build();
  }

  /** Whether a local time is in [open, close); close may be 24:00, the end of the day. */
  static boolean within(LocalTime time, String open, String close) {
    LocalTime from = LocalTime.parse(open);
    return !time.isBefore(from) && (close.equals("24:00") || time.isBefore(LocalTime.parse(close)));
  }

  /** A time of day as business hours accept it: HH:mm, or 24:00 for a closing time. */
  public static boolean validTime(String value, boolean closing) {
    if (value == null) {
      return false;
    }
    if (closing && value.equals("24:00")) {
      return true;
    }
    try {
      return value.length() == 5 && LocalTime.parse(value) != null;
    } catch (DateTimeException e) {
      return false;
    }
  }
}
