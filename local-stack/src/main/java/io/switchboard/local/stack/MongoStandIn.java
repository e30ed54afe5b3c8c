package io.switchboard.local.stack;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * mongo-java-server on 127.0.0.1 with its oplog on, so the official driver's change streams work
 * as they do against a MongoDB replica set.
 */
public final class MongoStandIn implements AutoCloseable {

  private final MongoServer server;
  private final int port;

  public MongoStandIn() {
    this.port = FreePorts.next();
    this.server = new MongoServer(new MemoryBackend());
  }

  public MongoStandIn start() {
    server.enableOplog();
    server.bind(new InetSocketAddress("127.0.0.1", port));
    return this;
  }

  public String connectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
