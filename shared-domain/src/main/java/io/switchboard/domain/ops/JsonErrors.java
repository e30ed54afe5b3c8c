package io.switchboard.domain.ops;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.Container;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every error a process answers is JSON, {@code {"status": 404, "error": "Not Found"}}, never an HTML
 * page: errors Spring MVC routes to {@code /error}, and those Tomcat answers itself before a request
 * reaches the application (an encoded {@code ..%2f}, a malformed URL), through Tomcat's error report
 * valve replaced by one that writes JSON. No detail of the failure, stack or server version is shown.
 */
@Configuration(proxyBeanMethods = false)
public class JsonErrors {

  static Map<String, Object> body(int status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    HttpStatus known = HttpStatus.resolve(status);
    body.put("error", known == null ? "Error" : known.getReasonPhrase());
    return body;
  }

  /** Errors that reach the servlet container's {@code /error} dispatch (registered as this configuration's member). */
  @RestController
  static class JsonErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
      Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
      int status = code instanceof Integer i ? i : 500;
      return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body(status));
    }
  }

  /** Swaps the host's HTML error report valve for the JSON one once Tomcat has set it up. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonTomcatErrors() {
    return factory -> factory.addContextCustomizers(context -> context.addLifecycleListener(event -> {
      if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
        Container host = context.getParent();
        for (Valve valve : host.getPipeline().getValves()) {
          if (valve instanceof ErrorReportValve && !(valve instanceof JsonErrorReportValve)) {
            host.getPipeline().removeValve(valve);
            host.getPipeline().addValve(new JsonErrorReportValve());
          }
        }
      }
    }));
  }

  /** Tomcat's own error answers, as JSON. */
  public static final class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      try {
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Writer writer = response.getReporter();
        if (writer != null) {
          writer.write("{\"status\":" + status + ",\"error\":\"" + body(status).get("error") + "\"}");
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // The client is gone or the response was committed meanwhile: nothing more to say.
      }
    }
  }
}
