package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Lease;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One call's miss of one key, handed along the steps of the {@link MissChain}: what the caller
 * asked for, plus what earlier steps established for later ones ({@link #flight} from single-flight,
 * {@link #lease} from the lease step). Owned by one call; each step hands it on after it is done
 * with it, so no two threads write it at once.
 */
final class Miss<K, V> {
  final K key;
  final @Nullable Duration entryTtl;
  final Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader;
  /** Where steps continue after a remote read; the caller's own loop for the blocking API. */
  final Executor executor;
  /** The blocking caller's thread, for recursion detection; {@code null} for the async API. */
  final @Nullable Thread owner;
  /** Set by the single-flight step: the flight this miss leads. */
  @Nullable Flight<V> flight;
  /**
   * Whether this call's lookup was counted already (it waited for a write-through that failed or
   * deleted the key, and runs the chain again): then no step counts a hit or a miss for it.
   */
  boolean counted;
  /** Set by the lease step when this instance holds the distributed lease on the key. */
  @Nullable Lease lease;

  Miss(
      K key,
      @Nullable Duration entryTtl,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Executor executor,
      @Nullable Thread owner) {
    this.key = key;
    this.entryTtl = entryTtl;
    this.loader = loader;
    this.executor = executor;
    this.owner = owner;
  }

  /** Returns the flight set by the single-flight step. */
  Flight<V> flight() {
    Flight<V> current = flight;
    if (current == null) {
      throw new IllegalStateException("no flight: the single-flight step must run first");
    }
    return current;
  }
}
