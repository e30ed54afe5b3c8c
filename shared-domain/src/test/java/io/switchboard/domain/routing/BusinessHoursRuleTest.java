package io.switchboard.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.schemas.common.BusinessHours;
import io.switchboard.schemas.common.DatedHours;
import io.switchboard.schemas.common.OpeningHours;
import io.switchboard.schemas.common.RoutingMode;
import io.switchboard.schemas.common.RoutingSnapshot;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Business hours decided at fixed instants, on both sides of New York's daylight-saving changes. */
class BusinessHoursRuleTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** Weekdays 09:00-18:00 New York time; Christmas closed; Christmas Eve 09:00-13:00. */
  private static BusinessHours officeHours() {
    List<OpeningHours> weekly = new ArrayList<>();
    for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
        DayOfWeek.FRIDAY)) {
      weekly.add(OpeningHours.newBuilder().setDay(day.name()).setOpen("09:00").setClose("18:00").build());
    }
    return BusinessHours.newBuilder().setTimeZone(NEW_YORK.getId()).setWeekly(weekly)
        .setExceptions(List.of(
            DatedHours.newBuilder().setDate("2026-12-25").setNote("Christmas").build(),
            DatedHours.newBuilder().setDate("2026-12-24").setOpen("09:00").setClose("13:00").build()))
        .setAfterHoursMode(RoutingMode.VOICEMAIL).setAfterHoursForwardNumber("+16465550199").build();
  }

  private static Instant newYork(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(NEW_YORK).toInstant();
  }

  /**
   * 17:59 and 18:01 wall-clock time in New York the Friday before and the Monday after each change
   * (8 March 2026 spring forward, 1 November 2026 fall back): the UTC instants differ by an hour
   * across the change, the decision does not.
   */
  @ParameterizedTest
  @CsvSource({
      "2026-03-06T17:59, 2026-03-06T22:59:00Z, true",
      "2026-03-06T18:01, 2026-03-06T23:01:00Z, false",
      "2026-03-09T17:59, 2026-03-09T21:59:00Z, true",
      "2026-03-09T18:01, 2026-03-09T22:01:00Z, false",
      "2026-10-30T17:59, 2026-10-30T21:59:00Z, true",
      "2026-10-30T18:01, 2026-10-30T22:01:00Z, false",
      "2026-11-02T17:59, 2026-11-02T22:59:00Z, true",
      "2026-11-02T18:01, 2026-11-02T23:01:00Z, false"})
  void shouldDecideByTheCompanysWallClockAcrossDaylightSavingChanges(String local, String utc, boolean open) {
    Instant instant = Instant.parse(utc);
    assertThat(newYork(local)).isEqualTo(instant);

    assertThat(BusinessHoursRule.at(officeHours(), instant).open()).isEqualTo(open);
  }

  @Test
  void shouldSayWhichRuleApplied() {
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-03-09T10:00")).rule())
        .isEqualTo("open: Monday 09:00-18:00, America/New_York");
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-03-09T18:00")).rule())
        .isEqualTo("after hours: outside Monday 09:00-18:00, America/New_York");
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-03-07T12:00")).rule())
        .isEqualTo("after hours: closed on Saturdays, America/New_York");
  }

  @Test
  void shouldCloseOnAHolidayAndKeepShorterHoursOnItsEve() {
    BusinessHoursRule.Decision christmas = BusinessHoursRule.at(officeHours(), newYork("2026-12-25T11:00"));
    assertThat(christmas.open()).isFalse();
    assertThat(christmas.rule()).isEqualTo("after hours: closed 2026-12-25 (Christmas), America/New_York");
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-12-24T12:59")).open()).isTrue();
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-12-24T13:00")).open()).isFalse();
  }

  @Test
  void shouldOpenAtTheOpeningMinuteAndCloseAtTheClosingOne() {
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-03-10T08:59:59")).open()).isFalse();
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-03-10T09:00")).open()).isTrue();
    assertThat(BusinessHoursRule.at(officeHours(), newYork("2026-03-10T17:59:59")).open()).isTrue();
  }

  @Test
  void shouldTakeTheAfterHoursModeAndNumberOnlyWhenClosed() {
    RoutingSnapshot route = RoutingSnapshot.newBuilder().setCompanyId("acme").setRoutingMode(RoutingMode.FORWARD)
        .setForwardNumber("+16465550100").setBusinessHours(officeHours()).build();

    assertThat(BusinessHoursRule.effective(route, newYork("2026-11-02T17:59")).getRoutingMode())
        .isEqualTo(RoutingMode.FORWARD);
    RoutingSnapshot late = BusinessHoursRule.effective(route, newYork("2026-11-02T18:01"));
    assertThat(late.getRoutingMode()).isEqualTo(RoutingMode.VOICEMAIL);
    assertThat(late.getForwardNumber()).isEqualTo("+16465550199");
    assertThat(BusinessHoursRule.effective(RoutingSnapshot.newBuilder(route).setBusinessHours(null).build(),
        newYork("2026-11-02T23:00")).getRoutingMode()).isEqualTo(RoutingMode.FORWARD);
  }

  @Test
  void shouldRouteNormallyWhenTheZoneIsUnknown() {
    BusinessHours broken = BusinessHours.newBuilder(officeHours()).setTimeZone("Mars/Olympus").build();

    BusinessHoursRule.Decision decision = BusinessHoursRule.at(broken, newYork("2026-03-07T12:00"));
    assertThat(decision.open()).isTrue();
    assertThat(decision.rule()).contains("unknown time zone Mars/Olympus");
  }
}
