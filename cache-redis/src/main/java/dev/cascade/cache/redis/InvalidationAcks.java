package dev.cascade.cache.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The messages of one {@link RedisInvalidation} that wait for other instances' acknowledgements,
 * by sequence number (0 for the hello of the join handshake). A message waits for some instances
 * (it completes when they have all answered, or at the timeout) and may also expect others without
 * waiting for them (instances that missed an earlier acknowledgement): those that have not answered
 * when it completes count as not having acknowledged it, like those waited for in vain.
 *
 * <p>Thread-safe. Invariant: a wait is registered before its message is published (so no
 * acknowledgement can arrive for an unknown wait) and removed when it ends, answered or not; its
 * sets of instances still to answer only shrink.
 */
final class InvalidationAcks {
  private final Map<Long, Wait> waits = new ConcurrentHashMap<>();

  /** One message waiting for acknowledgements. */
  static final class Wait {
    private final long seq;
    private final Set<String> waitingFor;
    private final Set<String> alsoExpected;
    private final CompletableFuture<Void> answered = new CompletableFuture<>();

    private Wait(long seq, Set<String> waitingFor, Set<String> alsoExpected) {
      this.seq = seq;
      this.waitingFor = ConcurrentHashMap.newKeySet();
      this.waitingFor.addAll(waitingFor);
      this.alsoExpected = ConcurrentHashMap.newKeySet();
      this.alsoExpected.addAll(alsoExpected);
      this.alsoExpected.removeAll(waitingFor);
      if (this.waitingFor.isEmpty()) {
        answered.complete(null);
      }
    }

    /** The instances that have not answered yet, waited for or not. */
    Set<String> unanswered() {
      Set<String> missing = new HashSet<>(waitingFor);
      missing.addAll(alsoExpected);
      return Set.copyOf(missing);
    }
  }

  /**
   * Starts waiting for {@code waitFor} to acknowledge message {@code seq}, and expecting {@code
   * alsoExpected} to without waiting for them; returns the wait, or {@code null} when both are empty.
   */
  @Nullable Wait expect(long seq, Set<String> waitFor, Set<String> alsoExpected) {
    if (waitFor.isEmpty() && alsoExpected.isEmpty()) {
      return null;
    }
    Wait wait = new Wait(seq, waitFor, alsoExpected);
    waits.put(seq, wait);
    return wait;
  }

  /** Records that instance {@code from} acknowledged message {@code seq}. */
  void acknowledged(long seq, String from) {
    Wait wait = waits.get(seq);
    if (wait == null) {
      return;
    }
    wait.alsoExpected.remove(from);
    if (wait.waitingFor.remove(from) && wait.waitingFor.isEmpty()) {
      wait.answered.complete(null);
    }
  }

  /**
   * Returns a future of the instances that did not acknowledge {@code wait} (empty when all did): it
   * completes when {@code published} has and then every instance waited for has acknowledged, or
   * {@code timeout} after {@code published} completed, whichever comes first; it fails if {@code
   * published} fails. When it ends with instances that did not answer (including because the publish
   * failed), they are handed to {@code missed} first.
   */
  CompletableFuture<Set<String>> await(
      CompletableFuture<?> published, Wait wait, Duration timeout, Consumer<Set<String>> missed) {
    return published
        .thenCompose(sent -> wait.answered.completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS))
        .handle((done, error) -> end(wait, missed))
        .thenCombine(published, (unanswered, sent) -> unanswered);
  }

  /** Waits (blocking, at most {@code timeout}) for {@code wait}; hands who did not answer to {@code missed}. */
  void awaitNow(Wait wait, Duration timeout, Consumer<Set<String>> missed) {
    wait.answered.completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS).join();
    end(wait, missed);
  }

  private Set<String> end(Wait wait, Consumer<Set<String>> missed) {
    waits.remove(wait.seq, wait);
    Set<String> unanswered = wait.unanswered();
    if (!unanswered.isEmpty()) {
      missed.accept(unanswered);
    }
    return unanswered;
  }
}
