package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.memcached.MemcachedConfig;
import dev.cascade.cache.memcached.MemcachedConfig.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The meta-protocol client of a pool: its servers, the ketama ring over them and the I/O threads.
 * Futures complete on the I/O threads. Thread-safe.
 */
public final class MemcachedClient implements AutoCloseable {
  private static final byte[] STATS = "stats\r\n".getBytes(StandardCharsets.US_ASCII);

  private final NettyTransport transport;
  private final EventLoopGroup group;
  private final TimeoutSweeps sweeps;
  private final List<ServerNode> nodes;
  private final Ketama ketama;

  private MemcachedClient(MemcachedConfig config) {
    this.transport = NettyTransport.resolve(config.transport()); // first: it may throw
    // a timeout fires at most a period late: 5 ms, or a twentieth of the timeout if that is shorter
    this.sweeps = new TimeoutSweeps(Math.min(TimeUnit.MILLISECONDS.toNanos(5), config.commandTimeout().toNanos() / 20));
    this.group =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(), new DefaultThreadFactory("cascade-memcached", true), transport.ioHandlerFactory());
    List<ServerNode> list = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (InetSocketAddress address : config.servers()) {
      ServerNode node = new ServerNode(address, group, transport.channelFactory(), sweeps, config);
      list.add(node);
      names.add(node.name());
    }
    this.nodes = List.copyOf(list);
    this.ketama = new Ketama(names);
  }

  /**
   * Starts a client and waits, at most the connect timeout, for the first connections; servers that
   * are not reachable yet are retried in the background.
   */
  public static MemcachedClient start(MemcachedConfig config) {
    MemcachedClient client = new MemcachedClient(config);
    List<CompletableFuture<Boolean>> connecting = new ArrayList<>();
    client.nodes.forEach(node -> connecting.add(node.connect()));
    try {
      CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new))
          .get(config.connectTimeout().toMillis() + config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Unreachable servers are down and retried; the pool still starts.
    }
    return client;
  }

  /** Returns the transport in use: {@code EPOLL} or {@code NIO}. */
  public Transport transport() {
    return transport.kind();
  }

  /** Returns the servers, in configuration order. */
  public List<ServerNode> nodes() {
    return nodes;
  }

  /** Returns the server that owns the wire key {@code key}. */
  public ServerNode nodeFor(byte[] key) {
    return nodes.size() == 1 ? nodes.get(0) : nodes.get(ketama.serverFor(key));
  }

  /** Returns the general-purpose statistics of {@code node}. */
  public CompletableFuture<Map<String, String>> stats(ServerNode node) {
    return node.submit(STATS, true).thenApply(MetaResponse::stats);
  }

  @Override
  public void close() {
    nodes.forEach(ServerNode::close);
    sweeps.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
