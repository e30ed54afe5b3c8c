package io.switchboard.bench.http;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Say;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP floor under the ingress: the same server stack (Spring Boot, Spring MVC, embedded Tomcat,
 * in the same JVM) answering a form POST with a fixed TwiML document, touching nothing else.
 */
@SpringBootApplication
public class TrivialEndpointApplication {

  public static final String PATH = "/baseline/voice";
  static final String ANSWER = new VoiceResponse.Builder().say(new Say.Builder("Baseline.").build()).build().toXml();

  /** Starts the endpoint on 127.0.0.1 and the given port. */
  public static ConfigurableApplicationContext start(int port) {
    return new SpringApplicationBuilder(TrivialEndpointApplication.class)
        .properties("spring.config.name=bench-trivial-endpoint")
        .run("--server.port=" + port, "--server.address=127.0.0.1");
  }

  /** Whether a response body is this endpoint's answer. */
  public static boolean isAnswer(String body) {
    return ANSWER.equals(body);
  }

  @RestController
  static class Endpoint {
    @PostMapping(PATH)
    ResponseEntity<String> voice(HttpServletRequest request) {
      Map<String, String[]> form = request.getParameterMap();
      if (form.isEmpty()) {
        return ResponseEntity.badRequest().body("empty form");
      }
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(ANSWER);
    }
  }
}
