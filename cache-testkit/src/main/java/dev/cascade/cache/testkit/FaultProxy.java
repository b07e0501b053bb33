package dev.cascade.cache.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy between a client and a real server, in the test's own process, that injects network
 * faults on command (in the spirit of Toxiproxy, without Docker): added latency and jitter, limited
 * bandwidth, connections reset, traffic black-holed while every socket stays open, one direction
 * cut, new connections refused. Point the client at {@link #port()} instead of the server's port:
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start("127.0.0.1", redis.port(0))) {
 *   RedisClient client = RedisClient.create("redis://127.0.0.1:" + proxy.port());
 *   ...
 *   proxy.blackHole();   // the partition: nothing passes, nothing is closed
 *   ...
 *   proxy.heal();        // everything held back is delivered, in order
 * }
 * }</pre>
 *
 * <p>What a fault does to bytes is what a network does, never what it cannot: bytes are held back
 * ({@link #blackHole}, {@link #cut}) or delayed ({@link #latency}, {@link #bandwidth}), never
 * dropped from a live connection, so that a protocol stream stays whole, as TCP keeps it; a
 * connection ends only by a {@link #resetConnections reset}. Held-back bytes wait in the proxy's
 * queues and then in the kernel's buffers, so a sender that goes on writing into a partition
 * blocks, as it would. Faults apply to every connection, current and new, until changed.
 *
 * <p>Each connection has two pumps (client to server, server to client), each a reader thread and
 * a writer thread joined by a queue of chunks stamped with when they may leave. Thread-safe: faults
 * may be changed from any thread while traffic flows.
 */
public final class FaultProxy implements AutoCloseable {

  /** A direction of traffic through the proxy. */
  public enum Direction {
    /** From the client to the server: requests. */
    UPSTREAM,
    /** From the server to the client: replies. */
    DOWNSTREAM
  }

  private static final int CHUNK = 16 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock; waiters on `changed` re-read them after every change.
  private final boolean[] held = new boolean[2];
  private long latencyNanos;
  private long jitterNanos;
  private long bytesPerSecond; // 0: unlimited
  private boolean refusing;
  private volatile boolean closed;

  private FaultProxy(InetSocketAddress target) {
    this.target = target;
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("the fault proxy could not listen on a loopback port", e);
    }
    this.acceptor = daemon("fault-proxy-accept-" + listener.getLocalPort(), this::acceptLoop);
    acceptor.start();
  }

  /**
   * Starts a proxy on a free loopback port that forwards every connection to {@code host:port},
   * passing bytes unchanged until a fault is set.
   *
   * @throws UncheckedIOException if no port can be opened
   */
  public static FaultProxy start(String host, int port) {
    return new FaultProxy(new InetSocketAddress(host, port));
  }

  /** Returns the port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Returns {@code 127.0.0.1:<port>}, the address clients connect to. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /** Returns how many client connections are open through the proxy. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Delays every chunk, each way, by {@code latency} plus a uniformly random part of {@code
   * jitter}; order is kept (a chunk never leaves before the one read before it).
   *
   * @throws IllegalArgumentException if either is negative
   */
  public void latency(Duration latency, Duration jitter) {
    if (latency.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException("latency and jitter must not be negative, were " + latency + " and " + jitter);
    }
    change(() -> {
      latencyNanos = latency.toNanos();
      jitterNanos = jitter.toNanos();
    });
  }

  /**
   * Limits each direction of each connection to {@code bytesPerSecond}; 0 lifts the limit.
   *
   * @throws IllegalArgumentException if it is negative
   */
  public void bandwidth(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must not be negative, was " + bytesPerSecond);
    }
    change(() -> this.bytesPerSecond = bytesPerSecond);
  }

  /**
   * Holds back every byte in both directions while every socket stays open: the partition that
   * SIGSTOP only approximates (the server keeps serving its other clients). {@link #heal} delivers
   * what was held back.
   */
  public void blackHole() {
    change(() -> {
      held[Direction.UPSTREAM.ordinal()] = true;
      held[Direction.DOWNSTREAM.ordinal()] = true;
    });
  }

  /** Holds back every byte going in {@code direction}; the other direction still flows. */
  public void cut(Direction direction) {
    change(() -> held[direction.ordinal()] = true);
  }

  /** Makes new connections fail at once (accepted, then reset); open ones are left as they are. */
  public void refuseNewConnections() {
    change(() -> refusing = true);
  }

  /**
   * Resets every open connection (both sockets closed with an RST), as a crashed peer or a
   * firewall would; new connections are accepted as before.
   */
  public void resetConnections() {
    for (Connection connection : connections) {
      connection.reset();
    }
  }

  /** Lifts every fault: no latency or bandwidth limit, nothing held back, new connections accepted. */
  public void heal() {
    change(() -> {
      held[0] = false;
      held[1] = false;
      latencyNanos = 0;
      jitterNanos = 0;
      bytesPerSecond = 0;
      refusing = false;
    });
  }

  /** Stops listening and resets every connection. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    resetConnections();
    heal(); // wakes every waiting pump, which then sees its sockets closed
  }

  private void change(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      boolean refuse;
      lock.lock();
      try {
        refuse = refusing;
      } finally {
        lock.unlock();
      }
      if (refuse) {
        resetQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(target, 2_000);
        Connection connection = new Connection(client, server);
        connections.add(connection);
        connection.start();
      } catch (IOException e) {
        resetQuietly(client); // the server is down: the client sees a reset, as with no proxy
      }
    }
  }

  /** Returns the time a chunk read now may leave, given the one before it; waits while held. */
  private long releaseTime(long previous) {
    lock.lock();
    try {
      long extra = latencyNanos + (jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos + 1) : 0);
      return Math.max(previous, System.nanoTime() + extra);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until {@code direction} is not held (or the proxy closed). */
  private void awaitFlowing(Direction direction) throws InterruptedException {
    lock.lock();
    try {
      while (held[direction.ordinal()] && !closed) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private long currentBytesPerSecond() {
    lock.lock();
    try {
      return bytesPerSecond;
    } finally {
      lock.unlock();
    }
  }

  private static void resetQuietly(Socket socket) {
    try {
      socket.setSoLinger(true, 0); // close with RST
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  /** One client connection and its server connection. */
  private final class Connection {
    private final Socket client;
    private final Socket server;
    private final AtomicInteger ended = new AtomicInteger();

    Connection(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() throws IOException {
      pump(Direction.UPSTREAM, client.getInputStream(), server.getOutputStream());
      pump(Direction.DOWNSTREAM, server.getInputStream(), client.getOutputStream());
    }

    void reset() {
      resetQuietly(client);
      resetQuietly(server);
      connections.remove(this);
    }

    /**
     * Starts the reader and the writer of one direction. The reader stops reading while the
     * direction is held, so that held bytes back up into the kernel's buffers and the sender.
     */
    private void pump(Direction direction, InputStream in, OutputStream out) {
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(64);
      String name = "fault-proxy-" + port() + "-" + client.getPort() + "-" + direction;
      daemon(name + "-read", () -> read(direction, in, queue)).start();
      daemon(name + "-write", () -> write(direction, out, queue)).start();
    }

    private void read(Direction direction, InputStream in, BlockingQueue<Chunk> queue) {
      long previous = 0;
      try {
        while (true) {
          awaitFlowing(direction);
          byte[] buffer = new byte[CHUNK];
          int read = in.read(buffer);
          if (read < 0) {
            queue.put(Chunk.END);
            return;
          }
          previous = releaseTime(previous);
          queue.put(new Chunk(buffer, read, previous));
        }
      } catch (IOException | InterruptedException e) {
        reset();
        queue.offer(Chunk.END);
      }
    }

    private void write(Direction direction, OutputStream out, BlockingQueue<Chunk> queue) {
      try {
        while (true) {
          Chunk chunk = queue.take();
          if (chunk == Chunk.END) {
            shutdownOutput(direction);
            return;
          }
          long wait = chunk.releaseAt - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the injected latency itself
          }
          awaitFlowing(direction); // bytes read before a hold are held too
          out.write(chunk.bytes, 0, chunk.length);
          out.flush();
          long rate = currentBytesPerSecond();
          if (rate > 0) {
            long nanos = chunk.length * 1_000_000_000L / rate;
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)); // the bandwidth limit itself
          }
        }
      } catch (IOException | InterruptedException e) {
        reset();
      }
    }

    /**
     * Passes an orderly end of one direction on (a FIN), as the peer sent it; once both directions
     * have ended, the connection is closed and forgotten.
     */
    private void shutdownOutput(Direction direction) {
      try {
        (direction == Direction.UPSTREAM ? server : client).shutdownOutput();
        if (ended.incrementAndGet() == 2) {
          client.close();
          server.close();
          connections.remove(this);
        }
      } catch (IOException e) {
        reset();
      }
    }
  }

  /** Bytes read at once, and the earliest time they may be written on. */
  private record Chunk(byte[] bytes, int length, long releaseAt) {
    static final Chunk END = new Chunk(new byte[0], 0, 0);
  }
}
