package dev.cascade.cache.memory;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.Checks;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;


/**
 * Configures a {@link CaffeineTier} ({@link CaffeineTier#builder}). Not thread-safe; each option
 * may be set once. Its fields are read by the tier's constructor.
 */
public final class CaffeineTierBuilder<K, V> {
  final String name;
  long maximumSize = -1;
  long maximumWeight = -1;
  @Nullable ToIntBiFunction<? super K, ? super V> weigher;
  private boolean unbounded;
  @Nullable Duration maxLifetime;
  Ticker ticker = Ticker.system();
  @Nullable Executor executor;
  boolean expiringEntries = true;
  @Nullable KeyCodec<? super K> aliasCodec;
  long slideNanos = -1;
  boolean slidingCopies;

  CaffeineTierBuilder(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Bounds the tier to {@code maximumSize} entries. */
  public CaffeineTierBuilder<K, V> maximumSize(long maximumSize) {
    requireNoBound();
    if (maximumSize < 0) {
      throw new IllegalArgumentException("maximumSize must not be negative, was " + maximumSize);
    }
    this.maximumSize = maximumSize;
    return this;
  }

  /** Bounds the tier to a total weight, as measured by {@code weigher} per entry. */
  public CaffeineTierBuilder<K, V> maximumWeight(long maximumWeight, ToIntBiFunction<? super K, ? super V> weigher) {
    requireNoBound();
    if (maximumWeight < 0) {
      throw new IllegalArgumentException("maximumWeight must not be negative, was " + maximumWeight);
    }
    this.maximumWeight = maximumWeight;
    this.weigher = Objects.requireNonNull(weigher, "weigher");
    return this;
  }

  /** Lets the tier grow without bound (for memoization of functions with a small domain). */
  public CaffeineTierBuilder<K, V> unbounded() {
    requireNoBound();
    this.unbounded = true;
    return this;
  }

  /** Caps every entry's lifetime in this tier, whatever the entry's own expiry. */
  public CaffeineTierBuilder<K, V> ttl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (this.maxLifetime != null) {
      throw new IllegalStateException("in-memory ttl was already set to " + this.maxLifetime);
    }
    this.maxLifetime = Checks.requirePositive(ttl, "in-memory ttl");
    return this;
  }

  /**
   * Makes expiry slide: a read of an entry that has a value and an expiry keeps it for {@code
   * duration} from the read, whatever was left, but never beyond the {@link #ttl} cap counted
   * from the entry's write (or load start). Cached absences and entries without expiry do not
   * slide. Turns on Caffeine's variable expiry (so the clock is read on every hit). For a tier
   * that is a cache's only tier; in front of remote tiers, use {@link #slidingCopies()}.
   *
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if this or {@link #slidingCopies()} was already set
   */
  public CaffeineTierBuilder<K, V> expireAfterAccess(Duration duration) {
    Checks.requirePositive(duration, "expireAfterAccess");
    requireNoSliding();
    this.slideNanos = EntryExpiry.lifetimeNanos(duration);
    return this;
  }

  /**
   * Makes this tier hold copies of entries whose expiry slides in the remote tiers behind it: an
   * entry with a value is kept for half the time its expiry leaves when it is stored (and at most
   * the {@link #ttl} cap), and reads here do not move it. The copy thus lapses while the remote
   * entry, touched when the copy was filled, is still alive, and the next read reaches and touches
   * that one: an entry read at least every half of its sliding duration never expires.
   *
   * @throws IllegalStateException if this or {@link #expireAfterAccess} was already set
   */
  public CaffeineTierBuilder<K, V> slidingCopies() {
    requireNoSliding();
    this.slidingCopies = true;
    return this;
  }

  private void requireNoSliding() {
    if (slideNanos >= 0 || slidingCopies) {
      throw new IllegalStateException("the in-memory tier's sliding expiry was already set");
    }
  }

  /** Sets the time source (default: the system's). */
  public CaffeineTierBuilder<K, V> ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Sets the executor of Caffeine's maintenance work (default: Caffeine's, the common pool);
   * {@code Runnable::run} makes evictions happen on the caller's thread, at a cost on hits.
   */
  public CaffeineTierBuilder<K, V> executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Says whether most entries will carry an expiry ({@code true}, the default: Caffeine's timer
   * wheel removes them on time) or few will ({@code false}: hits skip the clock, and an entry
   * with an expiry is checked and dropped when read, or evicted by size before).
   */
  public CaffeineTierBuilder<K, V> expiringEntries(boolean expiringEntries) {
    this.expiringEntries = expiringEntries;
    return this;
  }

  /**
   * Lets {@link #invalidateAliasLocal} find an entry from the string an invalidation message
   * carries, {@code codec.encode(key)}: a key the codec {@linkplain KeyCodec#decode reads back}
   * from that string is found by it, every other key through an index from its encoded form.
   *
   * @throws NullPointerException if {@code codec} is null
   */
  public CaffeineTierBuilder<K, V> keyAliases(KeyCodec<? super K> codec) {
    this.aliasCodec = Objects.requireNonNull(codec, "codec");
    return this;
  }

  /**
   * Returns the tier.
   *
   * @throws IllegalStateException if no bound (size, weight or {@link #unbounded()}) was chosen
   */
  public CaffeineTier<K, V> build() {
    if (maximumSize < 0 && maximumWeight < 0 && !unbounded) {
      throw new IllegalStateException(
          "in-memory tier '" + name + "' needs maximumSize, maximumWeight or an explicit unbounded()");
    }
    return new CaffeineTier<>(this);
  }

  void requireNoBound() {
    if (maximumSize >= 0 || maximumWeight >= 0 || unbounded) {
      throw new IllegalStateException("the in-memory tier's bound was already set");
    }
  }
}
