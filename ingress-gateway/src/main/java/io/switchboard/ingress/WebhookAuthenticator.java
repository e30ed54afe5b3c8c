package io.switchboard.ingress;

import io.switchboard.domain.crypto.CredentialException;
import io.switchboard.domain.crypto.Secret;
import io.switchboard.domain.twilio.TwilioSignatures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one rule by which every webhook and callback endpoint of the ingress decides whether a
 * company signed a request: {@code X-Twilio-Signature} validates with the company's current Auth
 * Token, or with its previous one while that is still accepted after a rotation. Form bodies and
 * JSON bodies (signed with {@code bodySHA256} in the URL) are both checked as Twilio signs them
 * ({@link TwilioSignatures}). A token that does not decrypt authenticates nothing; it never turns a
 * request into a server error.
 */
public final class WebhookAuthenticator {

  private static final Logger log = LoggerFactory.getLogger(WebhookAuthenticator.class);

  /**
   * What a signature covers: the public URL Twilio called and either the form fields or the raw
   * JSON body.
   */
  public record Signed(String url, Map<String, List<String>> form, String jsonBody, String signature) {

    public static Signed form(String url, Map<String, List<String>> form, String signature) {
      return new Signed(url, form, null, signature);
    }

    public static Signed json(String url, String body, String signature) {
      return new Signed(url, Map.of(), body, signature);
    }
  }

  private final TenantDirectory directory;

  public WebhookAuthenticator(TenantDirectory directory) {
    this.directory = directory;
  }

  /** Whether the company signed the request. */
  public boolean signedBy(String companyId, Signed request) {
    if (request.signature() == null || request.signature().isBlank()) {
      return false;
    }
    Optional<Secret> current;
    try {
      current = directory.authToken(companyId);
    } catch (CredentialException e) {
      log.error("The stored token of company {} cannot be used: {}", companyId, e.getMessage());
      current = Optional.empty();
    }
    if (current.isPresent() && valid(current.get(), request)) {
      return true;
    }
    Optional<Secret> retired = directory.retiredToken(companyId);
    if (retired.isPresent() && valid(retired.get(), request)) {
      log.info("Request for company {} signed with its previous token, accepted while the rotation allows it",
          companyId);
      return true;
    }
    return false;
  }

  private static boolean valid(Secret token, Signed request) {
    return request.jsonBody() == null
        ? TwilioSignatures.validForm(token, request.url(), request.form(), request.signature())
        : TwilioSignatures.validJson(token, request.url(), request.jsonBody(), request.signature());
  }
}
