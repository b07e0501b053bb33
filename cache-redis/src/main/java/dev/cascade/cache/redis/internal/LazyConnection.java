package dev.cascade.cache.redis.internal;

import dev.cascade.cache.CacheUnavailableException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The connection of an owning {@link RedisLink} and of the links it lent: open, or being connected
 * in the background. Made by {@link #start}, it tries once at once (for at most the client's connect
 * timeout); if that fails, it keeps trying on one daemon thread, 100 ms after the failure and then at
 * doubling intervals up to 2 s, until an attempt succeeds or it is closed. Once open it never
 * connects again (Lettuce's own reconnection takes over).
 *
 * <p>Thread-safe. Invariants: {@code open} is set at most once and only while not closed (both under
 * {@code lock}); the retry thread exists only while neither is the case; each attempt runs on
 * that one thread, so attempts never overlap.
 */
final class LazyConnection {
  private static final System.Logger LOG = System.getLogger("dev.cascade.cache.redis");
  private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

  final boolean cluster;
  /** The most commands that may await Lettuce's answer at once on this connection; see {@link #enterCommand}. */
  final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder refused = new LongAdder();
  private final @Nullable Supplier<OpenConnection> connector;
  private final ReentrantLock lock = new ReentrantLock();
  volatile @Nullable OpenConnection open;
  private volatile String notConnected = "not connected yet";
  private @Nullable ScheduledExecutorService retries; // guarded by lock
  private boolean closed; // guarded by lock
  private long delayNanos = FIRST_RETRY_NANOS; // the retry thread's

  private LazyConnection(boolean cluster, int maxInFlight, @Nullable Supplier<OpenConnection> connector, @Nullable OpenConnection open) {
    this.cluster = cluster;
    this.maxInFlight = maxInFlight;
    this.connector = connector;
    this.open = open;
  }

  static LazyConnection opened(boolean cluster, int maxInFlight, OpenConnection open) {
    return new LazyConnection(cluster, maxInFlight, null, open);
  }

  /** Tries to connect now; if that fails, keeps trying in the background. */
  static LazyConnection start(boolean cluster, int maxInFlight, Supplier<OpenConnection> connector) {
    LazyConnection connection = new LazyConnection(cluster, maxInFlight, connector, null);
    if (!connection.attempt()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Redis{0} not reachable ({1}); Cascade keeps trying in the background, and its caches fail open meanwhile",
          cluster ? " Cluster" : "",
          connection.notConnected);
      connection.lock.lock();
      try {
        if (!connection.closed) {
          connection.retries =
              Executors.newSingleThreadScheduledExecutor(
                  task -> {
                    Thread thread = new Thread(task, "cascade-redis-connect");
                    thread.setDaemon(true);
                    return thread;
                  });
          connection.retries.schedule(connection::retry, connection.delayNanos, TimeUnit.NANOSECONDS);
        }
      } finally {
        connection.lock.unlock();
      }
    }
    return connection;
  }

  /**
   * Counts one more command awaiting Lettuce's answer, unless {@link #maxInFlight} already are:
   * then counts a refusal and returns false. A server that stops answering while the connection
   * stays open (a pause, a partition) leaves every command sent meanwhile in Lettuce's queue until
   * it answers, whatever our timeout did to the caller's future; this bounds that queue. Each
   * {@code true} must be followed by one {@link #exitCommand()} once Lettuce has answered.
   */
  boolean enterCommand() {
    if (inFlight.incrementAndGet() <= maxInFlight) {
      return true;
    }
    inFlight.decrementAndGet();
    refused.increment();
    return false;
  }

  /** Counts one command answered (or failed) by Lettuce. */
  void exitCommand() {
    inFlight.decrementAndGet();
  }

  /** Returns how many commands await Lettuce's answer now. */
  int commandsInFlight() {
    return inFlight.get();
  }

  /** Returns how many commands {@link #enterCommand} refused so far. */
  long refusedCommands() {
    return refused.sum();
  }

  /** Returns the open connection. @throws CacheUnavailableException if there is none yet */
  OpenConnection open() {
    OpenConnection current = open;
    if (current == null) {
      throw new CacheUnavailableException("Redis is not connected: " + notConnected, null);
    }
    return current;
  }

  /** One connection attempt; returns whether the connection is open (or the link closed) now. */
  private boolean attempt() {
    OpenConnection made;
    try {
      made = Objects.requireNonNull(connector).get();
    } catch (RuntimeException e) {
      notConnected = reason(e) + "; connecting in the background";
      return false;
    }
    lock.lock();
    try {
      if (closed) {
        made.close();
      } else {
        open = made;
      }
      if (retries != null) {
        retries.shutdown();
        retries = null;
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns why a connection attempt failed: Lettuce's message ("Unable to connect to host:port")
   * and, when they differ, the innermost cause's (a refused password) or, for a failed TLS handshake
   * (an untrusted certificate), the handshake's, so that the reason reaches the caller's exception.
   * Lettuce's messages carry no credentials.
   */
  static String reason(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (root instanceof javax.net.ssl.SSLException) {
        return failure.getMessage() + ": TLS handshake failed (is the server's certificate trusted, and issued for this host?): "
            + root.getMessage();
      }
    }
    String message = String.valueOf(failure.getMessage());
    if (root == failure || root.getMessage() == null || message.contains(root.getMessage())) {
      return message;
    }
    return message + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private void retry() {
    if (attempt()) {
      LOG.log(System.Logger.Level.INFO, "Redis{0} connected", cluster ? " Cluster" : "");
      return;
    }
    delayNanos = Math.min(delayNanos * 2, MAX_RETRY_NANOS);
    lock.lock();
    try {
      if (retries != null && !closed) {
        retries.schedule(this::retry, delayNanos, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  void close() {
    OpenConnection current;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      notConnected = "the link is closed";
      if (retries != null) {
        retries.shutdownNow();
        retries = null;
      }
      current = open;
    } finally {
      lock.unlock();
    }
    if (current != null) {
      current.close();
    }
  }
}
