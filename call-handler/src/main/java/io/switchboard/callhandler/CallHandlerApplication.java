package io.switchboard.callhandler;

import io.switchboard.callhandler.kafka.CallHandlerLoop;
import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.schemas.kafka.KafkaClients;
import java.time.Clock;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The call-handler process: resolved webhooks to TwiML replies and call events. */
@SpringBootApplication
@Import(SwitchboardBeans.class)
@EnableConfigurationProperties(CallHandlerProperties.class)
public class CallHandlerApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * The application, reading its settings from {@code call-handler.properties} rather than a shared
   * {@code application.properties}, so that several Switchboard processes can share one class path.
   */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(CallHandlerApplication.class).web(WebApplicationType.NONE).properties("spring.config.name=call-handler");
  }

  @Bean
  CallHandlerLoop callHandlerLoop(KafkaClients clients, CallHandlerProperties props) {
    return new CallHandlerLoop(clients, new TwimlFactory(new CallbackUrls(props.publicBaseUrl())), Clock.systemUTC(),
        props.groupId());
  }

  @Bean
  SmartLifecycle callHandlerLifecycle(CallHandlerLoop loop) {
    return new SmartLifecycle() {
      private Thread thread;

      @Override
      public void start() {
        thread = new Thread(loop, "call-handler");
        thread.start();
      }

      @Override
      public void stop() {
        loop.stop();
        try {
          thread.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        thread = null;
      }

      @Override
      public boolean isRunning() {
        return thread != null;
      }
    };
  }
}
