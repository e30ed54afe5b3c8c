package io.switchboard.admin.http;

import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import io.switchboard.domain.crypto.CredentialException;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers for requests that cannot be read, for stored credentials the keyset cannot open, and for
 * a company store (MongoDB) that cannot be reached.
 */
@RestControllerAdvice
public class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(HttpMessageNotReadableException.class)
  public ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
    return ResponseEntity.badRequest().body(Map.of("errors",
        List.of(new FieldError("body", "is not valid JSON for this request"))));
  }

  @ExceptionHandler(CredentialException.class)
  public ResponseEntity<Map<String, Object>> undecryptable(CredentialException e) {
    return ResponseEntity.unprocessableContent().body(Map.of("errors",
        List.of(new FieldError("authToken", "the stored token cannot be used; send authToken again"))));
  }

  /** No MongoDB server could be selected or connected to: nothing was sent to it, so nothing changed. */
  @ExceptionHandler({MongoTimeoutException.class, MongoSocketOpenException.class})
  public ResponseEntity<Map<String, Object>> storeUnreachable(MongoException e) {
    log.warn("Company store unreachable: {}", e.getClass().getSimpleName());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
        .body(Map.of("error", "the company store is unavailable; nothing was changed, try again shortly"));
  }

  /** The connection to MongoDB failed during the request: a write may or may not have been applied. */
  @ExceptionHandler(MongoSocketException.class)
  public ResponseEntity<Map<String, Object>> storeLost(MongoSocketException e) {
    log.warn("Company store connection lost: {}", e.getClass().getSimpleName());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
        .body(Map.of("error", "the company store connection was lost; read the company before trying a change again"));
  }
}
