package io.switchboard.admin.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.server.ResponseStatusException;

/** The console's answers to what goes wrong: a page that says so, with the right status, never a stack trace. */
@ControllerAdvice(assignableTypes = ConsoleController.class)
public class ConsoleAdvice {

  private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

  /** The signed-in token has expired: the session ends with it. */
  static final class SessionExpired extends RuntimeException {
    SessionExpired() {
      super("the session's token expired", null, false, false);
    }
  }

  @ExceptionHandler(SessionExpired.class)
  public String expired(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    SecurityContextHolder.clearContext();
    return "redirect:" + ConsoleSecurity.SIGN_IN + "?expired";
  }

  @ExceptionHandler(ResponseStatusException.class)
  public String refused(ResponseStatusException e, HttpServletResponse response, Model model) {
    response.setStatus(e.getStatusCode().value());
    model.addAttribute("status", e.getStatusCode().value());
    model.addAttribute("message", e.getReason());
    return "console/refused";
  }

  @ExceptionHandler(RuntimeException.class)
  public String failed(RuntimeException e, HttpServletResponse response, Model model) {
    log.error("Console page failed: {}", e.toString());
    response.setStatus(503);
    model.addAttribute("status", 503);
    model.addAttribute("message", "This page could not be shown just now; try again shortly.");
    return "console/refused";
  }
}
