package io.switchboard.local.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback address, for servers that must be told their port before they
 * start. They are drawn below the system's ephemeral range, so that no outgoing connection (Kafka
 * clients open many) can take one between the draw and the server's bind, and never handed out
 * twice in this JVM.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int next() {
    int ceiling = ephemeralRangeStart();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, ceiling);
      if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new UncheckedIOException(new IOException("No free port on 127.0.0.1 between " + LOWEST + " and " + ceiling));
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Where the kernel starts picking ports for outgoing connections (Linux), or the IANA default. */
  static int ephemeralRangeStart() {
    try {
      // Files.readString trusts the size /proc reports for the file and returns its first byte only.
      String range = String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > LOWEST + 1_000 ? start : 49_152;
    } catch (IOException | RuntimeException e) {
      return 49_152;
    }
  }
}
