package io.switchboard.callhandler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * URLs of Switchboard's own endpoints that its TwiML asks Twilio to call back. Each carries the
 * company id and the event id, so the callback is attributed without a number lookup; Twilio
 * signs the whole URL, so the context cannot be forged.
 */
public final class CallbackUrls {

  public static final String WHISPER_PATH = "/api/twilio/whisper";

  private final String publicBaseUrl;

  public CallbackUrls(String publicBaseUrl) {
    this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
        : publicBaseUrl;
  }

  public String whisper(String companyId, String eventId) {
    return publicBaseUrl + WHISPER_PATH + "?companyId=" + encode(companyId) + "&eventId=" + encode(eventId);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
