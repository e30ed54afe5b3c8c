package io.switchboard.callhandler;

import io.switchboard.schemas.common.CallbackPaths;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * URLs of Switchboard's own endpoints that its TwiML asks Twilio to call back. Each carries the
 * company id and the event id, so the callback is attributed without a number lookup (a forwarded
 * leg's To is the forward number, not the company's); Twilio signs the whole URL, so the context
 * cannot be forged.
 */
public final class CallbackUrls {

  private final String publicBaseUrl;

  public CallbackUrls(String publicBaseUrl) {
    this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
        : publicBaseUrl;
  }

  public String whisper(String companyId, String eventId) {
    return url(CallbackPaths.WHISPER, companyId, eventId);
  }

  public String recording(String companyId, String eventId) {
    return url(CallbackPaths.RECORDING, companyId, eventId);
  }

  public String transcription(String companyId, String eventId) {
    return url(CallbackPaths.TRANSCRIPTION, companyId, eventId);
  }

  public String dialAction(String companyId, String eventId) {
    return url(CallbackPaths.DIAL_ACTION, companyId, eventId);
  }

  /** The voice webhook itself: where a placed call asks for its TwiML once answered. */
  public String voice() {
    return publicBaseUrl + "/api/twilio/voice";
  }

  public String callStatus(String companyId, String eventId) {
    return url(CallbackPaths.CALL_STATUS, companyId, eventId);
  }

  public String deferredTwiml(String companyId, String eventId) {
    return url(CallbackPaths.DEFERRED_TWIML, companyId, eventId);
  }

  private String url(String path, String companyId, String eventId) {
    return publicBaseUrl + path + "?companyId=" + encode(companyId) + "&eventId=" + encode(eventId);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
