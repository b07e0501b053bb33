package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import dev.cascade.cache.spi.TierEntry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * What the freshness tests of this package share (cache-core cannot use the testkit's): a clock
 * that moves only when told, an executor that runs background work only when told, a hook into
 * the in-process tier's {@code peek}, the look that finds the entry a refresh is started for, and
 * remote reads whose replies arrive when told.
 */
final class SimulatedTime {
  private SimulatedTime() {}

  /** A {@link Ticker} that moves when told; both readings advance together. Thread-safe. */
  static final class Clock implements Ticker {
    private static final long START_WALL_MILLIS = 1_790_000_000_000L;
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }

    @Override
    public long wallMillis() {
      return START_WALL_MILLIS + nanos.get() / 1_000_000;
    }

    Clock advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
      return this;
    }
  }

  /** Queues tasks until the test runs them, one ({@link #runNext}) or all ({@link #runAll}). Thread-safe. */
  static final class Steps implements Executor {
    private final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      queued.add(task);
    }

    /** Runs the oldest queued task, if any; returns whether one ran. */
    boolean runNext() {
      Runnable task = next();
      if (task == null) {
        return false;
      }
      task.run();
      return true;
    }

    /** Runs queued tasks, those they queue included, until none is left. */
    void runAll() {
      while (runNext()) {
        // each task may queue more
      }
    }

    synchronized int queued() {
      return queued.size();
    }

    private synchronized @Nullable Runnable next() {
      return queued.poll();
    }
  }

  /**
   * Decorates the in-process tier so that the next {@code peek} of an armed key runs an action (an
   * invalidation, say) right after the tier answered it: what another thread could do between the
   * look that finds an entry and the start of its refresh. Thread-safe.
   */
  static final class PeekHook implements TierDecorator {
    private final AtomicReference<@Nullable Object> armedKey = new AtomicReference<>();
    private volatile Runnable action = () -> {};

    /** Runs {@code then} once, after the next peek of {@code key}. */
    void afterNextPeek(Object key, Runnable then) {
      action = then;
      armedKey.set(key);
    }

    @Override
    public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
      return tier;
    }

    @Override
    public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
      return new ForwardingLocalTier<>(tier) {
        @Override
        public @Nullable TierEntry<V> peek(K key) {
          TierEntry<V> found = tier.peek(key);
          Object armed = armedKey.get();
          if (key.equals(armed) && armedKey.compareAndSet(armed, null)) {
            action.run();
          }
          return found;
        }
      };
    }
  }

  /**
   * Decorates the remote tiers so that the answer of each single-key read completes on {@code
   * replies} (the read itself runs at once): what a reply that arrives later on a client's I/O thread
   * does, so that a test can act between a read and what follows it. Thread-safe.
   */
  static final class LateReplies implements TierDecorator {
    private final Executor replies;

    LateReplies(Executor replies) {
      this.replies = replies;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
      InvocationHandler forward =
          (proxy, method, args) -> {
            Object result;
            try {
              result = method.invoke(tier, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
            return method.getName().equals("get") ? ((CompletableFuture<?>) result).thenApplyAsync(answer -> answer, replies) : result;
          };
      return (Tier<K, V>) Proxy.newProxyInstance(Tier.class.getClassLoader(), new Class<?>[] {Tier.class}, forward);
    }

    @Override
    public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
      return tier;
    }
  }
}
