package io.switchboard.domain.companies;

import org.bson.Document;

/**
 * The write counter of a {@code v2companies} document's Twilio configuration. Every Switchboard
 * write compares it with the value it read and increments it, so that a write built from an older
 * read (a number change, a token re-encryption) never silently undoes another (a token rotation).
 */
public final class CompanyVersion {

  /** The field, at the document's root. */
  public static final String FIELD = "twilioConfigVersion";

  private CompanyVersion() {}

  /** The version of a company document as read: 0 for one never written through Switchboard. */
  public static long of(Document company) {
    return company.get(FIELD) instanceof Number n ? n.longValue() : 0;
  }
}
