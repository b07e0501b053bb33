package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link StampedeLock#tryAcquireOver}: the lease on a key that holds a value kept
 * for stale serving. It is granted to one caller at a time; the value stays readable while it is
 * held; publishing replaces the value only while the key still holds it (a key invalidated or
 * rewritten meanwhile is not overwritten: the stale-set guard); releasing without publishing keeps
 * the value, and the lease can then be taken again.
 *
 * <p>The lock is driven the way core drives it: an invalidation revokes, then deletes; a write
 * revokes, then puts. Values are binary (a zero byte, bytes that are not UTF-8) and written with a
 * TTL, as every entry kept for stale serving has one. A backend extends this class and supplies its
 * store and the lock on it.
 */
public abstract class LeaseOverValueContract {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** Returns the store whose keys {@link #lock()} guards. */
  protected abstract RemoteStore store();

  /** Returns the lock on {@link #store()}. */
  protected abstract StampedeLock lock();

  /** Returns a key of a cache namespace ({@code <prefix>:<cache>:<key>}) no other test uses. */
  protected final String key(String test) {
    return "cascade:over-" + run + ":" + test;
  }

  /** Returns bytes that only a binary-safe comparison tells apart from {@code (0, other, -1)}. */
  private static byte[] value(char distinct) {
    return new byte[] {0, (byte) distinct, (byte) 0xFF, (byte) 0xC3, 0x28};
  }

  private byte[] read(String key) {
    return store().get(key).join();
  }

  private void invalidate(String key) {
    lock().revoke(key).join();
    store().delete(key).join();
  }

  private void write(String key, byte[] bytes) {
    lock().revoke(key).join();
    store().put(key, bytes, TTL).join();
  }

  @Test
  void tryAcquireOver_valuePresent_grantedOnce_andTheValueStaysReadable() {
    String key = key("once");
    byte[] stale = value('a');
    store().put(key, stale, TTL).join();

    Lease lease = lock().tryAcquireOver(key, stale, LEASE).join();

    assertThat(lease).isNotNull();
    assertThat(lease.key()).isEqualTo(key);
    assertThat(lock().tryAcquireOver(key, stale, LEASE).join()).as("a second caller").isNull();
    assertThat(lock().tryAcquire(key, LEASE).join()).as("a plain lease meanwhile").isNull();
    assertThat(read(key)).as("the value kept for stale serving").isEqualTo(stale);
  }

  @Test
  void publish_underLeaseOverValue_replacesTheValue() {
    String key = key("publish");
    byte[] stale = value('a');
    byte[] fresh = value('b');
    store().put(key, stale, TTL).join();
    Lease lease = lock().tryAcquireOver(key, stale, LEASE).join();
    assertThat(lease).isNotNull();

    assertThat(lock().publish(lease, fresh, TTL).join()).isTrue();
    lock().release(lease).join(); // as core does once its load is over

    assertThat(read(key)).isEqualTo(fresh);
    Lease next = lock().tryAcquireOver(key, fresh, LEASE).join();
    assertThat(next).as("the next refresh's lease").isNotNull();
    assertThat(lock().publish(next, value('c'), TTL).join()).isTrue();
    assertThat(read(key)).isEqualTo(value('c'));
  }

  @Test
  void publish_afterTheKeyWasInvalidated_writesNothing() {
    String key = key("invalidated");
    byte[] stale = value('a');
    store().put(key, stale, TTL).join();
    Lease lease = lock().tryAcquireOver(key, stale, LEASE).join();
    assertThat(lease).isNotNull();

    invalidate(key); // the row changed while the holder loaded

    assertThat(lock().publish(lease, value('b'), TTL).join()).isFalse();
    assertThat(read(key)).isNull();
    lock().release(lease).join();
    assertThat(read(key)).isNull();
  }

  @Test
  void publish_afterTheKeyWasRewritten_writesNothing() {
    String key = key("rewritten");
    byte[] stale = value('a');
    byte[] newer = value('n'); // equal to the stale value up to its first zero byte
    store().put(key, stale, TTL).join();
    Lease lease = lock().tryAcquireOver(key, stale, LEASE).join();
    assertThat(lease).isNotNull();

    write(key, newer);

    assertThat(lock().publish(lease, value('b'), TTL).join()).isFalse();
    assertThat(read(key)).isEqualTo(newer);
    lock().release(lease).join();
    assertThat(read(key)).as("a late release keeps the newer value").isEqualTo(newer);
  }

  @Test
  void release_withoutPublish_keepsTheValue_andTheLeaseCanBeTakenAgain() {
    String key = key("released");
    byte[] stale = value('a');
    store().put(key, stale, TTL).join();
    Lease lease = lock().tryAcquireOver(key, stale, LEASE).join();
    assertThat(lease).isNotNull();

    lock().release(lease).join(); // the load failed: nothing to publish

    assertThat(read(key)).isEqualTo(stale);
    Lease again = lock().tryAcquireOver(key, stale, LEASE).join();
    assertThat(again).as("the next caller's lease").isNotNull();
    assertThat(lock().tryAcquireOver(key, stale, LEASE).join()).isNull();
    assertThat(lock().publish(again, value('b'), TTL).join()).isTrue();
    assertThat(read(key)).isEqualTo(value('b'));
  }

  @Test
  void publish_ofAReleasedLease_writesNothing() {
    String key = key("late");
    byte[] stale = value('a');
    store().put(key, stale, TTL).join();
    Lease first = lock().tryAcquireOver(key, stale, LEASE).join();
    assertThat(first).isNotNull();
    lock().release(first).join();
    Lease second = lock().tryAcquireOver(key, stale, LEASE).join();
    assertThat(second).isNotNull();
    assertThat(lock().publish(second, value('s'), TTL).join()).isTrue();

    assertThat(lock().publish(first, value('f'), TTL).join()).as("the first holder, late").isFalse();
    assertThat(read(key)).isEqualTo(value('s'));
  }
}
