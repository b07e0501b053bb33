package dev.cascade.cache.redis;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The messages of one {@link RedisInvalidation} that wait for other instances' acknowledgements,
 * by sequence number (0 for the hello of the join handshake).
 *
 * <p>Thread-safe. Invariant: a wait is registered before its message is published (so no
 * acknowledgement can arrive for an unknown wait) and removed when it ends, answered or not; its
 * set of instances still to answer only shrinks.
 */
final class InvalidationAcks {
  private final Map<Long, Wait> waits = new ConcurrentHashMap<>();

  /** One message waiting for acknowledgements. */
  static final class Wait {
    private final long seq;
    private final Set<String> waitingFor;
    private final CompletableFuture<Void> answered = new CompletableFuture<>();

    private Wait(long seq, Set<String> waitingFor) {
      this.seq = seq;
      this.waitingFor = ConcurrentHashMap.newKeySet();
      this.waitingFor.addAll(waitingFor);
    }
  }

  /**
   * Starts waiting for {@code from} to acknowledge message {@code seq}; returns the wait, or {@code
   * null} when there is no one to wait for.
   */
  @Nullable Wait expect(long seq, Set<String> from) {
    if (from.isEmpty()) {
      return null;
    }
    Wait wait = new Wait(seq, from);
    waits.put(seq, wait);
    return wait;
  }

  /** Records that instance {@code from} acknowledged message {@code seq}. */
  void acknowledged(long seq, String from) {
    Wait wait = waits.get(seq);
    if (wait != null && wait.waitingFor.remove(from) && wait.waitingFor.isEmpty()) {
      wait.answered.complete(null);
    }
  }

  /**
   * Returns a future that completes when {@code published} has and then every instance of {@code
   * wait} has acknowledged, or {@code timeout} after {@code published} completed, whichever comes
   * first; fails if {@code published} fails. When it ends with instances that did not answer
   * (including because the publish failed), they are handed to {@code missed} first.
   */
  CompletableFuture<Void> await(CompletableFuture<?> published, Wait wait, Duration timeout, Consumer<Set<String>> missed) {
    return published
        .thenCompose(sent -> wait.answered.completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS))
        .whenComplete((done, error) -> end(wait, missed));
  }

  /** Waits (blocking, at most {@code timeout}) for {@code wait}; hands who did not answer to {@code missed}. */
  void awaitNow(Wait wait, Duration timeout, Consumer<Set<String>> missed) {
    wait.answered.completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS).join();
    end(wait, missed);
  }

  private void end(Wait wait, Consumer<Set<String>> missed) {
    waits.remove(wait.seq, wait);
    if (!wait.waitingFor.isEmpty()) {
      missed.accept(wait.waitingFor);
    }
  }
}
