package io.switchboard.domain.phone;

/**
 * What Twilio put in a To or From field, classified. Only {@link PhoneNumber} routes to a company;
 * Twilio Client identities and SIP URIs are never looked up in the number index (documented rule:
 * they are unroutable with reason NOT_A_PHONE_NUMBER until Switchboard supports client and SIP
 * routing).
 */
public sealed interface TenantAddress {

  /** The value exactly as Twilio sent it. */
  String raw();

  /** A number normalised to E.164. */
  record PhoneNumber(String raw, String e164) implements TenantAddress {}

  /** A Twilio Client identity, {@code client:alice}. */
  record ClientIdentity(String raw, String identity) implements TenantAddress {}

  /** A SIP URI, {@code sip:alice@example.com}. */
  record SipUri(String raw) implements TenantAddress {}

  /** Something that is none of the above, with the reason it could not be read. */
  record Unparseable(String raw, String reason) implements TenantAddress {}
}
