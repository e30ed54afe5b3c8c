package io.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The load generator's HTTP client: Apache HttpClient 5's asynchronous client, HTTP/1.1 with
 * keep-alive, one I/O thread and a bounded pool of connections. It shares the machine with the
 * system measured, so it should cost as little as a client can; it measured well under the JDK's
 * own client, which hands every answer through extra threads.
 */
public final class LoadClient implements AutoCloseable {

  /** A status and a body. */
  public record Answer(int status, String body) {}

  private final CloseableHttpAsyncClient client;

  /** @param timeout how long a request may wait for its answer (Twilio waits 15 s) */
  public LoadClient(int maxConnections, Duration timeout) {
    Timeout answerTimeout = Timeout.ofMilliseconds(timeout.toMillis());
    this.client = HttpAsyncClients.custom()
        .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).setSoTimeout(answerTimeout).build())
        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
            .setMaxConnTotal(maxConnections)
            .setMaxConnPerRoute(maxConnections)
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5))
                .setSocketTimeout(answerTimeout).build())
            .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(answerTimeout).build())
        .disableAutomaticRetries()
        .disableCookieManagement()
        .build();
    client.start();
  }

  /** Posts a form; the future fails when no answer comes. */
  public CompletableFuture<Answer> postForm(String url, Map<String, String> headers, String form) {
    SimpleRequestBuilder builder = SimpleRequestBuilder.post(URI.create(url))
        .setBody(form, ContentType.create("application/x-www-form-urlencoded", "UTF-8"));
    headers.forEach(builder::addHeader);
    SimpleHttpRequest request = builder.build();
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    client.execute(request, new FutureCallback<SimpleHttpResponse>() {
      @Override
      public void completed(SimpleHttpResponse response) {
        answer.complete(new Answer(response.getCode(), response.getBodyText()));
      }

      @Override
      public void failed(Exception error) {
        answer.completeExceptionally(error);
      }

      @Override
      public void cancelled() {
        answer.cancel(false);
      }
    });
    return answer;
  }

  @Override
  public void close() {
    client.close(CloseMode.GRACEFUL);
  }
}
