package io.switchboard.bench;

import io.switchboard.local.stack.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP forwarder on 127.0.0.1 in front of a dependency (MongoDB, the schema registry), which a
 * test can {@link #cut()}: open connections are reset and new ones refused, as when the dependency
 * is stopped, until {@link #restore()}; or {@link #stall()}: connections stay open but nothing is
 * passed on in either direction, as when the dependency stops answering, until {@link #resume()}.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port = FreePorts.next();
  private final int target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  /** Open while bytes flow; a stall replaces it with a closed one until resumed. */
  private volatile CountDownLatch flowing = new CountDownLatch(0);

  public TcpProxy(int target) {
    this.target = target;
    restore();
  }

  public int port() {
    return port;
  }

  public synchronized void restore() {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = socket;
      Thread acceptor = new Thread(() -> accept(socket), "tcp-proxy-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on " + port, e);
    }
  }

  public synchronized void cut() {
    closeQuietly(server);
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /** Nothing is passed on, in either direction, until {@link #resume()}; connections stay open. */
  public synchronized void stall() {
    if (flowing.getCount() == 0) {
      flowing = new CountDownLatch(1);
    }
  }

  public synchronized void resume() {
    flowing.countDown();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // closed by cut(), or the target refused: the client's connection ends
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          flowing.await();
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "tcp-proxy-pump-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public void close() {
    resume();
    cut();
  }
}
