package io.switchboard.domain.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TwilioApiTargetTest {

  /**
   * A server that answers each connection's first request with keep-alive, then closes the
   * connection without a word, as servers do with idle connections.
   */
  private static final class DroppingServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger answered = new AtomicInteger();
    final Thread thread;

    DroppingServer() throws Exception {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket connection = socket.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.ISO_8859_1));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
              // headers of a GET: nothing to keep
            }
            // Counted before the answer leaves, so that a client holding the answer sees it counted.
            answered.incrementAndGet();
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                + "Connection: keep-alive\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
          } catch (Exception e) {
            // closed while accepting: the test is over
          }
        }
      }, "dropping-server");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  /**
   * Every tenant has a client of its own: a thread per client (HttpClient's idle-connection
   * evictor) meant ten thousand threads for ten thousand tenants, whose wake-ups and stacks cost the
   * benchmark's machine more than a core with no webhook sent.
   */
  @Test
  void shouldStartNoThreadPerTenantClient() {
    TwilioApiTarget target = TwilioApiTarget.standIn("http://127.0.0.1:9");
    java.util.List<HttpClient> clients = new java.util.ArrayList<>();
    int before = Thread.activeCount();

    for (int i = 0; i < 200; i++) {
      clients.add(target.newHttpClient());
    }

    assertThat(clients).hasSize(200);
    assertThat(Thread.activeCount() - before).as("threads started for 200 tenant clients").isLessThanOrEqualTo(2);
  }

  @Test
  void shouldNotSendARequestOnAKeptAliveConnectionTheServerHasClosed() throws Exception {
    try (DroppingServer server = new DroppingServer()) {
      HttpClient client = TwilioApiTarget.standIn("http://127.0.0.1:" + server.socket.getLocalPort()).newHttpClient();
      Request request = new Request(HttpMethod.GET, "https://api.twilio.com/2010-04-01/Accounts/AC1.json");
      request.setAuth("AC1", "token");

      Response first = client.reliableRequest(request);
      long idleSince = System.nanoTime();
      // The connection idles long enough for the pool to check it before using it again.
      long idle = TimeUnit.MILLISECONDS.toNanos(TwilioApiTarget.VALIDATE_AFTER_INACTIVITY.toMilliseconds() + 500);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> System.nanoTime() - idleSince >= idle);
      Response second = client.reliableRequest(request);

      assertThat(first.getStatusCode()).isEqualTo(200);
      assertThat(second.getStatusCode()).isEqualTo(200);
      assertThat(server.answered.get()).isEqualTo(2);
    }
  }
}
