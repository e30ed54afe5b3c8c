package io.switchboard.admin.console;

import io.switchboard.admin.http.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.ui.Model;

/** What the company API refused in an answer, as the page shows it: next to each field, or above the form. */
record Problems(Map<String, String> fields, String general) {

  static Problems of(ResponseEntity<?> answer) {
    Map<String, String> fields = new LinkedHashMap<>();
    String general = null;
    if (answer.getBody() instanceof Map<?, ?> body) {
      if (body.get("errors") instanceof List<?> errors) {
        for (Object error : errors) {
          if (error instanceof FieldError field) {
            fields.merge(field.field(), field.message(), (a, b) -> a + "; " + b);
          }
        }
      }
      if (body.get("error") != null) {
        general = String.valueOf(body.get("error"));
      }
    }
    if (fields.isEmpty() && general == null) {
      general = "The change was refused (" + answer.getStatusCode().value() + ").";
    }
    return new Problems(fields, general);
  }

  void addTo(Model model) {
    model.addAttribute("fieldErrors", fields);
    model.addAttribute("error", general);
  }
}
