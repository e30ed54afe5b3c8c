package io.switchboard.domain.twilio;

import java.util.List;
import java.util.Map;

/** Reading the fields of a Twilio form post, kept in order with repeated values. */
public final class FormFields {

  private FormFields() {}

  /** The first value of a field, or null when the form does not have it. */
  public static String first(Map<String, List<String>> fields, String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
