package io.switchboard.callhandler.effects;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import io.switchboard.domain.crypto.CredentialException;

/**
 * The one place Twilio failures are classified. Retriable: Twilio answered 429 or 5xx, or the
 * connection could not even be opened, so the request was certainly not acted on. Permanent: any
 * other answer (4xx such as a bad number or rejected credentials) or a credential that does not
 * decrypt. A connection lost after the request was sent is neither: Twilio may have acted, so it
 * is reported as unknown rather than retried into a second SMS. The SDK reports a request that got
 * no answer at all as an {@link ApiException} without a status (wrapping the I/O error), which is
 * classified by that cause like a connection failure.
 */
public final class TwilioErrors {

  private TwilioErrors() {}

  public static boolean retriable(Throwable error) {
    if (unanswered(error)) {
      return notSent(error);
    }
    if (error instanceof ApiException api) {
      int status = api.getStatusCode();
      return status == 429 || status >= 500;
    }
    return !(error instanceof CredentialException || error instanceof IllegalArgumentException
        || error instanceof IllegalStateException);
  }

  /** True for a connection failure after which Twilio may have acted on the request. */
  public static boolean outcomeUnknown(Throwable error) {
    return unanswered(error) && !notSent(error);
  }

  /** A request that got no HTTP answer from Twilio. */
  private static boolean unanswered(Throwable error) {
    return error instanceof ApiConnectionException
        || (error instanceof ApiException api && api.getStatusCode() == null);
  }

  private static boolean notSent(Throwable error) {
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
          || cause instanceof java.net.NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  /** A one-line reason without credentials: Twilio's status and error code, or the error's own message. */
  public static String describe(Throwable error) {
    if (unanswered(error)) {
      return (notSent(error) ? "Twilio API unreachable: " : "no answer from Twilio to a request that was sent: ")
          + error.getMessage();
    }
    if (error instanceof ApiException api) {
      return "Twilio answered " + api.getStatusCode() + " (code " + api.getCode() + "): " + api.getMessage();
    }
    return String.valueOf(error.getMessage());
  }
}
