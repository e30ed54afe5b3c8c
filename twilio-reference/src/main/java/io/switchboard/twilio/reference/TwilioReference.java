package io.switchboard.twilio.reference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Twilio's reference data, read from this module's classpath so that the repository alone builds,
 * tests and runs. Where each file comes from, and its licence, is in {@code README.md} beside them.
 */
public enum TwilioReference {

  /** Twilio's OpenAPI 3.0.1 description of {@code api.twilio.com/2010-04-01}. */
  OPENAPI_V2010("twilio_api_v2010.json"),
  /** 45 {@code X-Twilio-Signature} vectors from Twilio's SDK test suites. */
  SIGNATURE_VECTORS("signature-vectors.json"),
  /** 25 webhook payloads as Twilio sends them. */
  WEBHOOK_SAMPLES("webhook-samples.json");

  private final String fileName;

  TwilioReference(String fileName) {
    this.fileName = fileName;
  }

  public String fileName() {
    return fileName;
  }

  /** The file's content; the caller closes the stream. */
  public InputStream open() {
    InputStream in = TwilioReference.class.getResourceAsStream(fileName);
    if (in == null) {
      throw new UncheckedIOException(new IOException("Twilio reference file " + fileName
          + " is not on the classpath (module twilio-reference)"));
    }
    return in;
  }
}
