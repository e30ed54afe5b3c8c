package io.switchboard.schemas.common;

/**
 * Paths of the ingress endpoints that Switchboard's own TwiML asks Twilio to call back. The
 * call-handler writes them into TwiML and the ingress serves them, so they are declared once here.
 * Each URL carries {@code companyId} and {@code eventId} query parameters, covered by Twilio's
 * signature.
 */
public final class CallbackPaths {

  public static final String WHISPER = "/api/twilio/whisper";
  public static final String CALL_STATUS = "/api/twilio/call-status";
  public static final String RECORDING = "/api/twilio/recording";
  public static final String TRANSCRIPTION = "/api/twilio/transcription";
  public static final String DIAL_ACTION = "/api/twilio/dial-action";
  /** Where Twilio fetches a deferred answer too long to send inline with a call update. */
  public static final String DEFERRED_TWIML = "/api/twilio/deferred-twiml";

  private CallbackPaths() {}
}
