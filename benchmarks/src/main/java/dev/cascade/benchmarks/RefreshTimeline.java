package dev.cascade.benchmarks;

import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The loader of {@link FreshnessBenchmark} (a sleep: the database) and a log of its calls, plus the
 * cache's own events that show a refresh's course: remote reads (their end and duration) and
 * stores into the in-process tier. One instance per measured cache, given to it as its event
 * listener. Remote operations and in-process stores happen only around loads here (one hot key),
 * so the log stays small. As a {@link TierDecorator} of the remote tier (the in-process tier is left
 * as it is) it also logs the load time each loaded entry carries into Redis ({@link
 * TierEntry#loadNanos()}): the delta early refresh uses, which is the whole miss or refresh up to
 * the loader's return, not only the loader call. Thread-safe.
 */
final class RefreshTimeline implements CacheEventListener, TierDecorator {
  /** A thread that wants to know when the loader ran on it during its own call (a reader). */
  interface LoaderCaller {
    void ranLoader();
  }

  /** One loader call: start and end ({@link System#nanoTime()}), and whether a reader ran it. */
  record LoadCall(long start, long end, boolean onReader) {
    double millis() {
      return (end - start) / 1e6;
    }
  }

  /**
   * One background refresh, in {@link System#nanoTime()}: the expiry of the value it replaces (the
   * previous load's end plus the TTL: the cache stamps an entry's expiry right after its loader
   * returns), the refresh chain's Redis read, its loader call, and the new value reaching L1.
   * Accessors give milliseconds.
   */
  record RefreshCourse(long expiry, long readStarted, long readEnded, LoadCall load, long inL1At, long deltaNanos) {
    /** When the Redis read started, against the expiry (negative: before it). */
    double readStart() {
      return (readStarted - expiry) / 1e6;
    }

    double readMillis() {
      return (readEnded - readStarted) / 1e6;
    }

    /** From the read's end to the loader's start: the hand-off back to the cache's executor. */
    double hopMillis() {
      return (load.start() - readEnded) / 1e6;
    }

    double loaderMillis() {
      return load.millis();
    }

    /** From the loader's end to the new value in L1: the write to Redis, then L1. */
    double publishMillis() {
      return (inL1At - load.end()) / 1e6;
    }

    /** The load time the new entry carries (XFetch's delta), 0 if its write was not seen. */
    double deltaMillis() {
      return deltaNanos / 1e6;
    }

    /** When the new value reached L1, against the expiry (positive: after it). */
    double inL1() {
      return (inL1At - expiry) / 1e6;
    }
  }

  /**
   * The loader calls of a period, the courses of those that ran in the background, and the load
   * time (ns) each loaded entry carried into Redis: XFetch's delta, the first remote write after
   * each loader call's end (calls without one left out).
   */
  record Loads(List<LoadCall> calls, List<RefreshCourse> courses, List<Long> deltas) {}

  private final long loadMillis;
  private final long ttlNanos;
  private final List<LoadCall> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<long[]> remoteReads = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> localStores = Collections.synchronizedList(new ArrayList<>());
  /** Remote writes of loaded entries: {@link System#nanoTime()} and the entry's load time. */
  private final List<long[]> remoteWrites = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();

  RefreshTimeline(long loadMillis, Duration ttl) {
    this.loadMillis = loadMillis;
    this.ttlNanos = ttl.toNanos();
  }

  /** The loader: sleeps, logs the call, tells a {@link LoaderCaller} thread that it ran on it. */
  String load(String key) {
    running.incrementAndGet();
    try {
      long start = System.nanoTime();
      boolean onReader = Thread.currentThread() instanceof LoaderCaller;
      if (onReader) {
        ((LoaderCaller) Thread.currentThread()).ranLoader();
      }
      try {
        Thread.sleep(loadMillis); // the database
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      calls.add(new LoadCall(start, System.nanoTime(), onReader));
      return key + "-" + sequence.incrementAndGet();
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
    if (tier > 0 && operation == TierOperation.GET) {
      remoteReads.add(new long[] {System.nanoTime(), nanos});
    }
  }

  @Override
  public void tierStored(int tier, int entries) {
    if (tier == 0) {
      localStores.add(System.nanoTime());
    }
  }

  /** Waits until no loader call runs, at most {@code limit}. */
  void awaitIdle(Duration limit) {
    long until = System.nanoTime() + limit.toNanos();
    while (running.get() > 0 && System.nanoTime() < until) {
      LockSupport.parkNanos(1_000_000);
    }
  }

  /**
   * The loader calls that started in [{@code from}, {@code to}), in order, and for those that ran in
   * the background, the refresh's course: its Redis read is the last one that ended before its
   * loader started, its arrival in L1 the first store there after its loader ended.
   */
  Loads loadsBetween(long from, long to) {
    List<LoadCall> all = snapshot(calls);
    all.sort((a, b) -> Long.compare(a.start(), b.start()));
    List<long[]> reads = snapshot(remoteReads);
    List<Long> stores = snapshot(localStores);
    Collections.sort(stores);
    List<long[]> writes = snapshot(remoteWrites);
    writes.sort((a, b) -> Long.compare(a[0], b[0]));
    List<LoadCall> chosen = new ArrayList<>();
    List<RefreshCourse> courses = new ArrayList<>();
    List<Long> deltas = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      LoadCall call = all.get(i);
      if (call.start() < from || call.start() >= to) {
        continue;
      }
      chosen.add(call);
      long delta = 0;
      for (long[] write : writes) {
        if (write[0] >= call.end()) {
          delta = write[1];
          break;
        }
      }
      if (delta > 0) {
        deltas.add(delta);
      }
      if (call.onReader() || i == 0) {
        continue;
      }
      long[] read = null;
      for (long[] candidate : reads) {
        if (candidate[0] <= call.start() && (read == null || candidate[0] > read[0])) {
          read = candidate;
        }
      }
      Long stored = null;
      for (Long at : stores) {
        if (at >= call.end()) {
          stored = at;
          break;
        }
      }
      if (read != null && stored != null) {
        long expiry = all.get(i - 1).end() + ttlNanos;
        courses.add(new RefreshCourse(expiry, read[0] - read[1], read[0], call, stored, delta));
      }
    }
    return new Loads(chosen, courses, deltas);
  }

  private void remoteWrite(TierEntry<?> entry) {
    if (entry.loadNanos() > 0) {
      remoteWrites.add(new long[] {System.nanoTime(), entry.loadNanos()});
    }
  }

  @Override
  public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
    return new LoggedTier<>(tier);
  }

  @Override
  public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
    return tier; // the hit path stays as it is
  }

  /** The remote tier, every method forwarded; logs the load time of the entries it writes. */
  private final class LoggedTier<K, V> implements Tier<K, V> {
    private final Tier<K, V> tier;

    LoggedTier(Tier<K, V> tier) {
      this.tier = tier;
    }

    @Override
    public String name() {
      return tier.name();
    }

    @Override
    public CompletableFuture<@Nullable TierEntry<V>> get(K key) {
      return tier.get(key);
    }

    @Override
    public CompletableFuture<Map<K, TierEntry<V>>> getAll(Set<K> keys) {
      return tier.getAll(keys);
    }

    @Override
    public CompletableFuture<Void> put(K key, TierEntry<V> entry) {
      remoteWrite(entry);
      return tier.put(key, entry);
    }

    @Override
    public CompletableFuture<Void> putLoaded(K key, TierEntry<V> entry) {
      remoteWrite(entry);
      return tier.putLoaded(key, entry);
    }

    @Override
    public CompletableFuture<Void> prepareTags(Set<String> tags, long startedAtMillis) {
      return tier.prepareTags(tags, startedAtMillis);
    }

    @Override
    public CompletableFuture<Void> putAll(Map<K, TierEntry<V>> entries) {
      entries.values().forEach(RefreshTimeline.this::remoteWrite);
      return tier.putAll(entries);
    }

    @Override
    public CompletableFuture<Void> invalidate(K key) {
      return tier.invalidate(key);
    }

    @Override
    public CompletableFuture<Void> invalidateAll(Set<K> keys) {
      return tier.invalidateAll(keys);
    }

    @Override
    public CompletableFuture<Void> invalidateAll() {
      return tier.invalidateAll();
    }

    @Override
    public CompletableFuture<Void> invalidateTag(String tag) {
      return tier.invalidateTag(tag);
    }

    @Override
    public CompletableFuture<@Nullable Lease> tryLease(K key, Duration leaseTime) {
      return tier.tryLease(key, leaseTime);
    }

    @Override
    public CompletableFuture<Boolean> putUnderLease(K key, TierEntry<V> entry, Lease lease) {
      remoteWrite(entry);
      return tier.putUnderLease(key, entry, lease);
    }

    @Override
    public CompletableFuture<Void> releaseLease(Lease lease) {
      return tier.releaseLease(lease);
    }

    @Override
    public void close() {
      tier.close();
    }
  }

  private static <T> List<T> snapshot(List<T> list) {
    synchronized (list) {
      return new ArrayList<>(list);
    }
  }
}
