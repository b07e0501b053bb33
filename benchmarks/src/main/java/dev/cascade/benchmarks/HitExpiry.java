package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;

/**
 * Variable expiry for raw Caffeine: a fixed lifetime from creation or update, and reads keep the
 * current duration, as Cascade's in-process tier does.
 */
final class HitExpiry<K, V> implements Expiry<K, V> {
  private final long nanos;

  HitExpiry(Duration lifetime) {
    this.nanos = lifetime.toNanos();
  }

  @Override
  public long expireAfterCreate(K key, V value, long currentTime) {
    return nanos;
  }

  @Override
  public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
    return nanos;
  }

  @Override
  public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
    return currentDuration;
  }
}
