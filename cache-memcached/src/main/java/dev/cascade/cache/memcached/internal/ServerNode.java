package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.memcached.MemcachedConfig;
import dev.cascade.cache.spi.ValueReader;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One memcached server of the pool and its pipelined connections.
 *
 * <p>Invariants and concurrency: state changes (connecting, up, down, closed) happen under {@code
 * lock}; each connection attempt has a generation, and only a failure of the current generation
 * changes the state, so late failures of old connections are ignored. While the server is down
 * every command fails at once (no caller waits for a dead server) and a reconnect is scheduled with
 * a doubling delay capped by the configuration; a new connection is used only after it answered a
 * probe ({@code mn}). {@link #submit} reads volatile fields only and never blocks.
 */
public final class ServerNode {
  private static final byte[] PROBE = "mn\r\n".getBytes(StandardCharsets.US_ASCII);

  private enum State {
    CONNECTING,
    UP,
    DOWN,
    CLOSED
  }

  private final String name;
  private final InetSocketAddress address;
  private final EventLoopGroup group;
  private final ChannelFactory<? extends SocketChannel> channelFactory;
  private final TimeoutSweeps sweeps;
  private final MemcachedConfig config;
  private final long timeoutNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, MetaRequest> shared = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> namespaceVersions = new ConcurrentHashMap<>();
  private State state = State.DOWN;
  private long generation;
  private long delayNanos;
  private volatile MetaConnection[] live = new MetaConnection[0];
  private volatile boolean up;
  private volatile boolean closed;
  private volatile String downReason = "not connected yet";

  ServerNode(
      InetSocketAddress address,
      EventLoopGroup group,
      ChannelFactory<? extends SocketChannel> channelFactory,
      TimeoutSweeps sweeps,
      MemcachedConfig config) {
    this.address = address;
    this.name = address.getHostString() + ":" + address.getPort();
    this.group = group;
    this.channelFactory = channelFactory;
    this.sweeps = sweeps;
    this.config = config;
    this.timeoutNanos = config.commandTimeout().toNanos();
    this.delayNanos = config.minReconnectDelay().toNanos();
  }

  /** Returns {@code host:port}. */
  public String name() {
    return name;
  }

  /** Returns the last namespace versions seen on this server (a cache, for optimistic writes). */
  public ConcurrentHashMap<String, Long> namespaceVersions() {
    return namespaceVersions;
  }

  /** Returns whether the server is connected and answering. */
  public boolean isUp() {
    return up;
  }

  /** Returns whether the client was closed: no command is sent any more. */
  public boolean isClosed() {
    return closed;
  }

  /** Returns the error of a call made after the client was closed. */
  public IllegalStateException closedError() {
    return new IllegalStateException(
        "memcached "
            + name
            + ": the backend is closed, no command is sent after MemcachedBackend.close() (or close() of a"
            + " MemcachedTier that owns its connections)");
  }

  /** Sends one command; the future fails at once if the server is down. */
  public CompletableFuture<MetaResponse> submit(byte[] command) {
    return submit(command, false);
  }

  CompletableFuture<MetaResponse> submit(byte[] command, boolean stats) {
    return send(new MetaRequest(command, stats)).future;
  }

  /**
   * Sends {@code commands} as one pipelined batch; the future gives their replies in order. Costs
   * one future and one queue slot for the whole batch.
   */
  public CompletableFuture<MetaResponse[]> submitBatch(List<byte[]> commands) {
    Pipeline pipeline = pipeline();
    CompletableFuture<MetaResponse[]> replies = pipeline.batch(commands);
    pipeline.send();
    return replies;
  }

  /** Returns, over the live connections, how many writes callers made and how many the socket did not take whole; for tests. */
  long[] callerWriteCounts() {
    long[] total = new long[2];
    for (MetaConnection connection : live) {
      long[] counts = connection.callerWriteCounts();
      total[0] += counts[0];
      total[1] += counts[1];
    }
    return total;
  }

  /** Returns an empty pipeline of commands for this server. */
  Pipeline pipeline() {
    return new Pipeline();
  }

  /**
   * Commands that go out together: {@link #send} queues them on one connection at once, so that
   * the connection's writer (the caller or the I/O thread) writes them in one write (and the server
   * reads them in one read), rather than writing the first alone. Each method answers the
   * future of its command's reply. Not thread-safe: one caller fills it and sends it once.
   */
  final class Pipeline {
    private final List<MetaRequest> requests = new ArrayList<>(2);

    /** Adds one command, as {@link #submit(byte[])} sends it. */
    CompletableFuture<MetaResponse> command(byte[] command) {
      MetaRequest request = new MetaRequest(command, false);
      requests.add(request);
      return request.future;
    }

    /** Adds {@code commands} as one batch, as {@link #submitBatch} sends it. */
    CompletableFuture<MetaResponse[]> batch(List<byte[]> commands) {
      int length = 0;
      for (byte[] command : commands) {
        length += command.length;
      }
      byte[] all = new byte[length];
      int at = 0;
      for (byte[] command : commands) {
        System.arraycopy(command, 0, all, at, command.length);
        at += command.length;
      }
      MetaRequest request = new MetaRequest(all, commands.size());
      requests.add(request);
      return request.future.thenApply(last -> request.replies);
    }

    /**
     * Adds one classic {@code get k1 k2 ...} for keys that are printable ASCII without spaces (the
     * cheapest multi-key read for the server); the future gives one reply per key, in order: a
     * {@code VA} reply carrying the client flags ({@code f}), or {@code null} for a miss. With a
     * {@code reader}, each value is read by it on the I/O thread ({@link MetaResponse#read()}).
     */
    CompletableFuture<MetaResponse[]> classicGet(List<String> asciiKeys, @Nullable ValueReader<?> reader) {
      int length = 5;
      for (String key : asciiKeys) {
        length += key.length() + 1;
      }
      byte[] command = new byte[length];
      int[] keyBounds = new int[asciiKeys.size() + 1];
      int at = 0;
      command[at++] = 'g';
      command[at++] = 'e';
      command[at++] = 't';
      for (int k = 0; k < asciiKeys.size(); k++) {
        String key = asciiKeys.get(k);
        command[at++] = ' ';
        keyBounds[k] = at;
        at = Commands.ascii(key, command, at);
      }
      keyBounds[asciiKeys.size()] = at + 1; // the last key ends before the CR, as the others before a space
      command[at++] = '\r';
      command[at] = '\n';
      MetaRequest request = new MetaRequest(command, keyBounds, reader);
      requests.add(request);
      return request.future.thenApply(
          end -> {
            if (!end.is("END")) {
              throw new CacheException("memcached " + name + " replied " + end);
            }
            return request.replies;
          });
    }

    /**
     * Adds {@code command}, whose reply is shared with other callers whose identical command (same
     * {@code slot}) is queued but not written yet (used for namespace version reads, one per batch
     * instead of one per read), ahead of the commands added before it (a namespace's version goes
     * out before the values it judges); or, if such a command is queued, answers its future and
     * adds nothing. A command added here is shared with other callers at once, so
     * it must be added last, with only {@link #send} after it: nothing that can fail in between.
     */
    CompletableFuture<MetaResponse> shared(String slot, Supplier<byte[]> command) {
      while (true) {
        MetaRequest queued = shared.get(slot);
        if (queued != null && !queued.written && !queued.future.isDone()) {
          return queued.future;
        }
        MetaRequest request = new MetaRequest(command.get(), false);
        boolean installed = queued == null ? shared.putIfAbsent(slot, request) == null : shared.replace(slot, queued, request);
        if (installed) {
          if (shared.size() > 10_000) {
            shared.clear();
          }
          requests.add(0, request);
          return request.future;
        }
      }
    }

    /** Queues every command added on one connection, for one drain; the futures fail at once if the server is down. */
    void send() {
      sendAll(requests);
    }
  }

  private MetaRequest send(MetaRequest request) {
    sendAll(List.of(request));
    return request;
  }

  private void sendAll(List<MetaRequest> requests) {
    if (requests.isEmpty()) {
      return;
    }
    MetaConnection[] connections = live;
    if (!up || connections.length == 0) {
      CacheException down = closed ? null : new CacheUnavailableException("memcached " + name + " is down: " + downReason, null);
      for (MetaRequest request : requests) {
        request.future.completeExceptionally(down == null ? closedError() : down);
      }
      return;
    }
    connectionOfThisThread(connections).send(requests);
  }

  /**
   * The connection that the calling thread's commands go out on: always the same one while the live
   * connections stay the same. The server reads each connection on its own worker thread, with no
   * order between connections, so a thread that sent a set on one connection and a read of the same
   * key on another could have the read answered first; one thread's commands keep its order only on
   * one connection. Different threads spread over the connections by thread id.
   */
  private static MetaConnection connectionOfThisThread(MetaConnection[] connections) {
    return connections.length == 1
        ? connections[0]
        : connections[Math.floorMod(Thread.currentThread().getId(), connections.length)];
  }

  /** Returns the live connection this thread's commands go out on, or {@code null} if there is none; for tests. */
  @Nullable MetaConnection connectionOfThisThread() {
    MetaConnection[] connections = live;
    return connections.length == 0 ? null : connectionOfThisThread(connections);
  }



  /** Starts a connection attempt; the future tells whether the server came up. */
  CompletableFuture<Boolean> connect() {
    long attempt;
    lock.lock();
    try {
      if (state == State.CLOSED || state == State.CONNECTING || state == State.UP) {
        return CompletableFuture.completedFuture(state == State.UP);
      }
      attempt = ++generation;
      state = State.CONNECTING;
    } finally {
      lock.unlock();
    }
    List<CompletableFuture<MetaConnection>> opening = new ArrayList<>();
    for (int i = 0; i < config.connectionsPerServer(); i++) {
      opening.add(open(attempt));
    }
    return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
        .handle(
            (done, error) -> {
              List<MetaConnection> opened = new ArrayList<>();
              for (CompletableFuture<MetaConnection> f : opening) {
                if (!f.isCompletedExceptionally()) {
                  opened.add(f.join());
                }
              }
              lock.lock();
              try {
                // A connection that answered its probe may have closed while another awaited its
                // own: its failure was ignored (not up yet), so going up with it would leave a dead
                // connection in the rotation for good. A close after this check finds the node up
                // and marks it down (a connection is marked closed before it reports its failure).
                boolean allOpen = opened.stream().noneMatch(MetaConnection::isClosed);
                if (error == null && allOpen && attempt == generation && state == State.CONNECTING) {
                  live = opened.toArray(MetaConnection[]::new);
                  state = State.UP;
                  delayNanos = config.minReconnectDelay().toNanos();
                  up = true;
                  return true;
                }
                opened.forEach(MetaConnection::close);
                if (attempt == generation && state == State.CONNECTING) {
                  markDown(error == null ? "closed while connecting" : rootMessage(error));
                }
                return false;
              } finally {
                lock.unlock();
              }
            });
  }

  private CompletableFuture<MetaConnection> open(long attempt) {
    CompletableFuture<MetaConnection> ready = new CompletableFuture<>();
    MetaConnection handler = new MetaConnection(this, attempt, timeoutNanos, sweeps);
    new Bootstrap()
        .group(group)
        .channelFactory(channelFactory)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
        .handler(handler)
        .connect(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address)
        .addListener(
            connected -> {
              if (!connected.isSuccess()) {
                ready.completeExceptionally(connected.cause());
                return;
              }
              MetaRequest probe = new MetaRequest(PROBE, false);
              handler.send(List.of(probe));
              probe.future.whenComplete(
                  (reply, error) -> {
                    if (error == null && reply.is("MN")) {
                      ready.complete(handler);
                    } else {
                      handler.close();
                      ready.completeExceptionally(
                          error != null ? error : new IllegalStateException("unexpected reply to mn: " + reply));
                    }
                  });
            });
    return ready;
  }

  /** Called by a connection that closed, hung or failed. */
  void connectionFailed(MetaConnection connection, Throwable cause) {
    lock.lock();
    try {
      if (connection.generation() != generation || state != State.UP) {
        connection.close();
        return;
      }
      markDown(rootMessage(cause));
    } finally {
      lock.unlock();
    }
  }

  // Under lock.
  private void markDown(String reason) {
    state = State.DOWN;
    up = false;
    generation++;
    long delay = delayNanos;
    delayNanos = Math.min(delayNanos * 2, config.maxReconnectDelay().toNanos());
    downReason = reason + "; next connection attempt in " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms";
    MetaConnection[] old = live;
    live = new MetaConnection[0];
    for (MetaConnection c : old) {
      c.close();
    }
    if (!group.isShuttingDown()) {
      group.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }
  }

  void close() {
    lock.lock();
    try {
      state = State.CLOSED;
      closed = true;
      up = false;
      generation++;
      downReason = "the client is closed";
      MetaConnection[] old = live;
      live = new MetaConnection[0];
      for (MetaConnection c : old) {
        c.close();
      }
    } finally {
      lock.unlock();
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName());
  }

  @Override
  public String toString() {
    return name + (up ? " (up)" : " (down)");
  }
}
