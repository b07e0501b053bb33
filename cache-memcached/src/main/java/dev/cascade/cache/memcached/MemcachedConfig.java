package dev.cascade.cache.memcached;

import dev.cascade.cache.spi.Checks;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link MemcachedTier} reaches its servers: addresses, timeouts, connections, reconnects and
 * the server's item size limit. Built with {@link #builder()}; immutable and thread-safe.
 *
 * <pre>{@code
 * MemcachedConfig config = MemcachedConfig.builder()
 *     .servers("cache-1:11211", "cache-2:11211", "cache-3:11211")
 *     .commandTimeout(Duration.ofMillis(200))
 *     .build();
 * }</pre>
 */
public final class MemcachedConfig {
  /** memcached's default item size limit ({@code -I}), 1 MiB. */
  public static final int DEFAULT_ITEM_SIZE_MAX = 1024 * 1024;

  private final List<InetSocketAddress> servers;
  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final int connectionsPerServer;
  private final int ioThreads;
  private final int itemSizeMax;
  private final Duration minReconnectDelay;
  private final Duration maxReconnectDelay;
  private final Clock clock;
  private final @Nullable Executor completionExecutor;
  private final Transport transport;

  private MemcachedConfig(Builder b) {
    this.servers = List.copyOf(b.servers);
    this.commandTimeout = or(b.commandTimeout, Duration.ofMillis(500));
    this.connectTimeout = or(b.connectTimeout, Duration.ofSeconds(1));
    this.connectionsPerServer = b.connectionsPerServer == 0 ? 1 : b.connectionsPerServer;
    this.ioThreads = b.ioThreads == 0 ? Math.min(2, Runtime.getRuntime().availableProcessors()) : b.ioThreads;
    this.itemSizeMax = b.itemSizeMax == 0 ? DEFAULT_ITEM_SIZE_MAX : b.itemSizeMax;
    this.minReconnectDelay = or(b.minReconnectDelay, Duration.ofMillis(100));
    this.maxReconnectDelay = or(b.maxReconnectDelay, Duration.ofSeconds(2));
    this.clock = or(b.clock, Clock.systemUTC());
    this.completionExecutor = b.completionExecutor;
    this.transport = or(b.transport, Transport.AUTO);
  }

  private static <T> T or(@Nullable T value, T fallback) {
    return value != null ? value : fallback;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the servers of the pool, in the order given. */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /** Returns how long a command may take before its future fails (default 500 ms). */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** Returns how long a connection attempt may take (default 1 s). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Returns the number of pipelined connections to each server (default 1). */
  public int connectionsPerServer() {
    return connectionsPerServer;
  }

  /** Returns the number of I/O threads shared by all connections (default min(2, CPUs)). */
  public int ioThreads() {
    return ioThreads;
  }

  /** Returns the servers' item size limit, their {@code -I} option (default 1 MiB). */
  public int itemSizeMax() {
    return itemSizeMax;
  }

  /** Returns the first delay before reconnecting to a server marked down (default 100 ms). */
  public Duration minReconnectDelay() {
    return minReconnectDelay;
  }

  /** Returns the cap of the doubling reconnect delay (default 2 s). */
  public Duration maxReconnectDelay() {
    return maxReconnectDelay;
  }

  /** Returns the wall clock used to send TTLs over 30 days as absolute Unix times. */
  public Clock clock() {
    return clock;
  }

  /**
   * Returns the executor that completes the tier's futures, or {@code null} for the default: the
   * client's I/O threads.
   */
  public @Nullable Executor completionExecutor() {
    return completionExecutor;
  }

  /** Returns the socket transport asked for (default {@link Transport#AUTO}). */
  public Transport transport() {
    return transport;
  }

  @Override
  public String toString() {
    return "MemcachedConfig" + servers + ", timeout " + commandTimeout;
  }

  /**
   * How the client's I/O threads wait for and move bytes. {@link MemcachedBackend#transport()}
   * tells which one a backend uses.
   */
  public enum Transport {
    /** {@link #NIO}, on every platform. The default. */
    AUTO,
    /**
     * Linux's epoll through Netty's native transport (this module brings its library for Linux on
     * x86-64; other Linux machines need Netty's native epoll artifact for theirs). Every command is
     * written by the connection's I/O thread, which a call wakes when it sleeps. Creating a backend
     * or tier fails with {@link IllegalStateException} where the native library does not load.
     */
    EPOLL,
    /**
     * Java NIO selectors, on every platform: a call on an idle connection writes its commands to the
     * socket from the calling thread, with no hand-off to the I/O thread; under load the I/O thread
     * writes, batching (docs/memcached.md, "Transport").
     */
    NIO
  }

  /**
   * Builds a {@link MemcachedConfig}. Each option may be set once (a second set throws {@link
   * IllegalStateException}); a bad value throws {@link IllegalArgumentException} naming it. Not
   * thread-safe.
   */
  public static final class Builder {
    private final LinkedHashSet<InetSocketAddress> servers = new LinkedHashSet<>();
    private boolean serversSet;
    private @Nullable Duration commandTimeout;
    private @Nullable Duration connectTimeout;
    private int connectionsPerServer;
    private int ioThreads;
    private int itemSizeMax;
    private @Nullable Duration minReconnectDelay;
    private @Nullable Duration maxReconnectDelay;
    private @Nullable Clock clock;
    private @Nullable Transport transport;
    private @Nullable Executor completionExecutor;

    private Builder() {}

    /** Sets the pool's servers as {@code host:port} (port 11211 when omitted). */
    public Builder servers(String... addresses) {
      List<InetSocketAddress> parsed = new ArrayList<>();
      for (String address : Objects.requireNonNull(addresses, "addresses")) {
        parsed.add(parse(Objects.requireNonNull(address, "address")));
      }
      return servers(parsed);
    }

    /** Sets the pool's servers. */
    public Builder servers(List<InetSocketAddress> addresses) {
      if (serversSet) {
        throw new IllegalStateException("servers were already set");
      }
      Objects.requireNonNull(addresses, "addresses");
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("at least one server is required");
      }
      for (InetSocketAddress address : addresses) {
        if (!servers.add(Objects.requireNonNull(address, "address"))) {
          throw new IllegalArgumentException("server " + address + " is listed twice");
        }
      }
      serversSet = true;
      return this;
    }

    /** Sets how long a command may take before its future fails; default 500 ms. */
    public Builder commandTimeout(Duration timeout) {
      requireUnset(commandTimeout, "commandTimeout");
      commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /** Sets how long a connection attempt may take; default 1 s. */
    public Builder connectTimeout(Duration timeout) {
      requireUnset(connectTimeout, "connectTimeout");
      connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the number of pipelined connections per server (1 to 16); default 1. Each calling thread
     * sends on one of them, chosen by its thread id, so that one thread's commands reach the server
     * in the order it sent them; threads spread over the connections.
     */
    public Builder connectionsPerServer(int connections) {
      requireUnset(connectionsPerServer == 0 ? null : connectionsPerServer, "connectionsPerServer");
      if (connections < 1 || connections > 16) {
        throw new IllegalArgumentException("connectionsPerServer must be 1 to 16, was " + connections);
      }
      connectionsPerServer = connections;
      return this;
    }

    /** Sets the number of I/O threads (1 to 64); default min(2, CPUs). */
    public Builder ioThreads(int threads) {
      requireUnset(ioThreads == 0 ? null : ioThreads, "ioThreads");
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("ioThreads must be 1 to 64, was " + threads);
      }
      ioThreads = threads;
      return this;
    }

    /** Sets the servers' item size limit (their {@code -I}); default 1 MiB. */
    public Builder itemSizeMax(int bytes) {
      requireUnset(itemSizeMax == 0 ? null : itemSizeMax, "itemSizeMax");
      if (bytes < 4096 || bytes > 1024 * 1024 * 1024) {
        throw new IllegalArgumentException("itemSizeMax must be 4 KiB to 1 GiB, was " + bytes);
      }
      itemSizeMax = bytes;
      return this;
    }

    /** Sets the first and the largest delay between reconnect attempts; default 100 ms and 2 s. */
    public Builder reconnectDelay(Duration min, Duration max) {
      requireUnset(minReconnectDelay, "reconnectDelay");
      positive(min, "min reconnect delay");
      positive(max, "max reconnect delay");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max reconnect delay " + max + " is below the min " + min);
      }
      minReconnectDelay = min;
      maxReconnectDelay = max;
      return this;
    }

    /** Sets the wall clock used for absolute expiry times; default the system UTC clock. */
    public Builder clock(Clock clock) {
      requireUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the executor that completes the tier's futures. By default they complete on the I/O
     * threads, as Lettuce's do, which saves a thread hand-off per call: Cascade's caches never run
     * a loader there (blocking loaders run in their caller's thread, asynchronous ones on the
     * cache's executor). Give a pool here if your own code chains blocking work on the tier's
     * futures directly.
     */
    public Builder completionExecutor(Executor executor) {
      requireUnset(completionExecutor, "completionExecutor");
      completionExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the socket transport; default {@link Transport#AUTO}, which takes Linux's epoll where
     * Netty's native library loads and Java NIO elsewhere.
     */
    public Builder transport(Transport transport) {
      requireUnset(this.transport, "transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @throws IllegalStateException if no server was set
     */
    public MemcachedConfig build() {
      if (servers.isEmpty()) {
        throw new IllegalStateException("no servers: call servers(...)");
      }
      return new MemcachedConfig(this);
    }

    private static InetSocketAddress parse(String address) {
      String trimmed = address.trim();
      int colon = trimmed.lastIndexOf(':');
      String host = colon < 0 ? trimmed : trimmed.substring(0, colon);
      int port = 11211;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad server address \"" + address + "\": port is not a number");
        }
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("bad server address \"" + address + "\"");
      }
      return InetSocketAddress.createUnresolved(host, port);
    }

    private static void requireUnset(@Nullable Object value, String what) {
      if (value != null) {
        throw new IllegalStateException(what + " was already set");
      }
    }

    private static Duration positive(Duration duration, String what) {
      return Checks.requirePositive(duration, what);
    }
  }
}
