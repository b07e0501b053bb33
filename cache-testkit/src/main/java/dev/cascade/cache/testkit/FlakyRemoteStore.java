package dev.cascade.cache.testkit;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RemoteStore} that forwards to another until told to fail: then every call fails at once
 * with a {@link CacheException}, as a store whose server is down would after its timeout. It can
 * also hold read results back (an injected delay between a remote read and what follows it) and
 * counts the calls that reached it, so tests can see a circuit breaker keep calls away.
 * Thread-safe.
 */
public final class FlakyRemoteStore implements RemoteStore {
  private final RemoteStore delegate;
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile Supplier<? extends Throwable> failure = () -> new CacheException("store is down", null);
  private final AtomicLong calls = new AtomicLong();
  private volatile java.util.concurrent.@Nullable CountDownLatch readGate;
  /** With {@link #readGate}: how many more reads pass before the gate holds them. */
  private final java.util.concurrent.atomic.AtomicInteger readsBeforeGate = new java.util.concurrent.atomic.AtomicInteger();
  private final AtomicLong heldReads = new AtomicLong();

  public FlakyRemoteStore(RemoteStore delegate) {
    this.delegate = delegate;
  }

  /** Makes every later call fail ({@code true}) or succeed again ({@code false}). */
  public void down(boolean isDown) {
    down.set(isDown);
  }

  /**
   * Makes every later {@code get} read its value at once but deliver it only when {@code gate} opens:
   * the injected delay between reading a remote value and putting it into L1. {@code null} removes
   * the gate.
   */
  public void holdReads(java.util.concurrent.@Nullable CountDownLatch gate) {
    holdReadsAfter(0, gate);
  }

  /**
   * Like {@link #holdReads}, but the next {@code passing} reads pass at once and only the later ones
   * are held: to hold back the poll that follows a first read, say.
   *
   * @throws IllegalArgumentException if {@code passing} is negative
   */
  public void holdReadsAfter(int passing, java.util.concurrent.@Nullable CountDownLatch gate) {
    if (passing < 0) {
      throw new IllegalArgumentException("passing must be at least 0, was " + passing);
    }
    readsBeforeGate.set(passing);
    this.readGate = gate;
  }

  /** Returns how many reads have been read and then held at a gate (delivered or not yet). */
  public long heldReads() {
    return heldReads.get();
  }

  /**
   * Sets what a call fails with while the store is down (default: a plain {@link CacheException}),
   * such as the timeout or connection exception a backend would report.
   */
  public void failWith(Supplier<? extends Throwable> failure) {
    this.failure = java.util.Objects.requireNonNull(failure, "failure");
  }

  /** Returns how many calls reached this store. */
  public long calls() {
    return calls.get();
  }

  private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
    calls.incrementAndGet();
    if (down.get()) {
      return CompletableFuture.failedFuture(failure.get());
    }
    return operation.get();
  }

  @Override
  public StoreCapabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    java.util.concurrent.CountDownLatch armed = readGate;
    // One of the reads that pass before the gate holds, or a held one:
    java.util.concurrent.CountDownLatch gate =
        armed != null && readsBeforeGate.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? null : armed;
    CompletableFuture<byte @Nullable []> read = call(() -> delegate.get(key));
    if (gate == null) {
      return read;
    }
    heldReads.incrementAndGet();
    return read.thenApplyAsync(
        value -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return value;
        });
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    return call(() -> delegate.getAll(keys));
  }

  @Override
  public CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    return call(() -> delegate.getAndTouch(key, ttl));
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    return call(() -> delegate.getAllAndTouch(keys, ttl));
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    return call(() -> delegate.put(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<String, Write> writes) {
    return call(() -> delegate.putAll(writes));
  }

  @Override
  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    return call(() -> delegate.putIfAbsent(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return call(() -> delegate.delete(key));
  }

  @Override
  public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    return call(() -> delegate.deleteIfUnchanged(key, expected));
  }

  @Override
  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    return call(() -> delegate.deleteAll(keys));
  }

  @Override
  public CompletableFuture<Void> deleteByPrefix(String prefix) {
    return call(() -> delegate.deleteByPrefix(prefix));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
