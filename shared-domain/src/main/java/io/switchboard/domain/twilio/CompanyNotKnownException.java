package io.switchboard.domain.twilio;

/**
 * No configuration of the company has reached this process yet: a side effect requested right
 * after the company was created or changed can arrive before its config. Transient, unlike a config
 * that belongs to another company or has no credentials.
 */
public final class CompanyNotKnownException extends RuntimeException {

  public CompanyNotKnownException(String companyId) {
    super("no config of company " + companyId + " to act with yet");
  }
}
