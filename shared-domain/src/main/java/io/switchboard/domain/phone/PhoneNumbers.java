package io.switchboard.domain.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place numbers are normalised to E.164, used by the ingress (record keys), the mirror and
 * the admin API alike, so that {@code +1-555-123-4567}, {@code (555) 123-4567} and
 * {@code +15551234567} are the same key everywhere. A number is accepted when libphonenumber finds
 * it <em>possible</em> (right length for its country), not when it is <em>valid</em> against the
 * current numbering plan: that metadata changes between releases and fictional 555 numbers used
 * in tests and demos would stop routing.
 */
public final class PhoneNumbers {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private final String defaultRegion;

  /** @param defaultRegion ISO 3166 region used for numbers written without a country code, e.g. US. */
  public PhoneNumbers(String defaultRegion) {
    String region = defaultRegion == null ? "" : defaultRegion.trim().toUpperCase(Locale.ROOT);
    if (!UTIL.getSupportedRegions().contains(region)) {
      throw new IllegalArgumentException("Unknown default phone region '" + defaultRegion + "'");
    }
    this.defaultRegion = region;
  }

  public String defaultRegion() {
    return defaultRegion;
  }

  /** Classifies a To/From value as Twilio sends it. */
  public TenantAddress classify(String raw) {
    if (raw == null || raw.isBlank()) {
      return new TenantAddress.Unparseable(raw == null ? "" : raw, "empty");
    }
    String value = raw.trim();
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("client:")) {
      return new TenantAddress.ClientIdentity(raw, value.substring("client:".length()));
    }
    if (lower.startsWith("sip:") || lower.startsWith("sips:")) {
      return new TenantAddress.SipUri(raw);
    }
    return parse(raw)
        .<TenantAddress>map(e164 -> new TenantAddress.PhoneNumber(raw, e164))
        .orElseGet(() -> new TenantAddress.Unparseable(raw, reasonNotParsed(value)));
  }

  /** E.164 form of the number, or empty when it is not a possible phone number. */
  public Optional<String> toE164(String raw) {
    return raw == null ? Optional.empty() : parse(raw);
  }

  private Optional<String> parse(String raw) {
    try {
      Phonenumber.PhoneNumber number = UTIL.parse(raw.trim(), defaultRegion);
      if (!UTIL.isPossibleNumber(number)) {
        return Optional.empty();
      }
      return Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }

  private String reasonNotParsed(String value) {
    try {
      Phonenumber.PhoneNumber number = UTIL.parse(value, defaultRegion);
      return "not a possible number (" + UTIL.isPossibleNumberWithReason(number) + ")";
    } catch (NumberParseException e) {
      return "not a phone number (" + e.getErrorType() + ")";
    }
  }
}
