package io.switchboard.admin.http;

import io.switchboard.domain.crypto.CredentialException;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers for requests that cannot be read, and for stored credentials the keyset cannot open. */
@RestControllerAdvice
public class ApiErrors {

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
}
