package io.switchboard.bench.peers.floor;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The composed floor: the least code that follows Switchboard's own path. The same HTTP stack as
 * the ingress (Spring MVC on Tomcat, a request thread that waits for the answer) produces the raw
 * webhook body with acks=all, two relays forward it, and the record's arrival on the third topic
 * completes the waiting request, which answers a fixed TwiML naming the call. No parsing, no
 * signature, no routing: what a thin-ingress / stream / handler design cannot beat on this machine.
 */
@SpringBootApplication
public class ComposedFloorApplication {

  public static final String PATH = "/floor/voice";
  /** Twilio's own header: the floor keys its records by it instead of parsing the form. */
  static final String KEY_HEADER = "I-Twilio-Idempotency-Token";
  private static final long WAIT_SECONDS = 15;

  /** Starts the endpoint on 127.0.0.1 and the given port, answering through {@code chain}. */
  public static ConfigurableApplicationContext start(int port, KafkaRelayChain chain) {
    return new SpringApplicationBuilder(ComposedFloorApplication.class)
        .properties("spring.config.name=bench-peer", "spring.application.name=bench-composed-floor")
        .initializers(context -> context.getBeanFactory().registerSingleton("relayChain", chain))
        .run("--server.port=" + port, "--server.address=127.0.0.1");
  }

  /** The floor's answer for a call: a fixed document carrying the key it was sent under. */
  public static String answer(String key) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>" + key + "</Say></Response>";
  }

  @RestController
  static class Endpoint {
    private final KafkaRelayChain chain;

    Endpoint(KafkaRelayChain chain) {
      this.chain = chain;
    }

    @PostMapping(PATH)
    ResponseEntity<String> voice(HttpServletRequest request, @RequestHeader(KEY_HEADER) String key)
        throws IOException, InterruptedException {
      CompletableFuture<byte[]> relayed = chain.send(key, request.getInputStream().readAllBytes());
      try {
        relayed.get(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        chain.forget(key);
        return ResponseEntity.status(503).body("not relayed: " + e.getClass().getSimpleName());
      }
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(answer(key));
    }
  }
}
