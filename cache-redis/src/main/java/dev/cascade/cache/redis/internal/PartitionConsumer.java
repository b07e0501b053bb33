package dev.cascade.cache.redis.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Drains one partition, on its own thread and its own connection (a blocking read holds a
 * connection), while this consumer holds the partition's lease.
 *
 * <p>Order: the partition's changes are applied one batch at a time, in stream order, and a batch
 * is acknowledged only after the writer returned. When the lease is taken (or trusted again after a
 * lapse or an error), the thread first claims every pending change of the partition, whoever it was
 * delivered to, and applies them in stream order before it reads new ones; so a change a dead
 * consumer left half-done is applied before any later change of its key.
 *
 * <p>After every read it also claims and applies, before the batch it read, the changes pending
 * with a lower id (after an empty read: any pending change). While it holds the lease no other
 * consumer should have any, yet some do: a read of a consumer whose lease was taken while the
 * network held that read back reaches Redis when the network heals, after this consumer recovered
 * the partition, and takes changes into that consumer's pending list, which it will never apply; a
 * read of this consumer that timed out can do the same. No lease change follows to recover them, so
 * without this check they would wait until one did and then be applied after newer changes of
 * their keys. Such a change comes before the batch in stream order (a read delivers only changes
 * never delivered before), so applying it first keeps every key's order.
 *
 * <p>Failures: a failed batch is retried one change at a time (so that one bad change cannot hold
 * the others back), each with a growing pause; every retry claims the change again, which counts a
 * delivery in Redis; a change that failed on its {@code maxDeliveries}-th delivery moves to the
 * dead-letter stream. A change delivered more often than that before (by consumers that died on it)
 * moves there without being tried. The writer is never called once the lease is no longer trusted:
 * the batch is left pending for the next holder.
 *
 * <p>Not thread-safe: one thread runs it; {@code stop} may be called from any thread.
 */
final class PartitionConsumer implements Runnable {
  private final int partition;
  private final WriteBehindStreams streams;
  private final PartitionLeases leases;
  private final ChangeSink sink;
  private final ConsumerSettings settings;
  private final ConsumerCounters counters;
  private final CountDownLatch stopping;
  private int recoveredGeneration = -1;

  PartitionConsumer(
      int partition,
      WriteBehindStreams streams,
      PartitionLeases leases,
      ChangeSink sink,
      ConsumerSettings settings,
      ConsumerCounters counters,
      CountDownLatch stopping) {
    this.partition = partition;
    this.streams = streams;
    this.leases = leases;
    this.sink = sink;
    this.settings = settings;
    this.counters = counters;
    this.stopping = stopping;
  }

  @Override
  public void run() {
    while (running()) {
      try {
        if (!leases.trusted(partition)) {
          // the lease thread unparks this thread after each renewal, and close() does too
          LockSupport.parkNanos(settings.pollInterval().toNanos());
          continue;
        }
        int generation = leases.generation(partition);
        if (generation != recoveredGeneration) {
          await(streams.ensureGroup(partition));
          recover(generation);
          recoveredGeneration = generation;
          continue;
        }
        List<QueuedChange> batch = await(streams.readNew(partition, settings.consumer(), settings.batchSize(), settings.blockTime()));
        applyStrays(batch.isEmpty() ? null : batch.get(0).id(), generation);
        if (!batch.isEmpty()) {
          apply(batch, generation);
        }
      } catch (Abandoned e) {
        recoveredGeneration = -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // Redis unreachable, restarted (NOGROUP) or slow: start over from the pending list
        counters.redisErrors.increment();
        recoveredGeneration = -1;
        pause(settings.pollInterval());
      }
    }
  }

  /** Claims and applies every pending change of the partition, page by page, in stream order. */
  private void recover(int generation) throws InterruptedException {
    String cursor = "0-0";
    do {
      WriteBehindStreams.Claimed page = await(streams.claimPending(partition, settings.consumer(), cursor, settings.batchSize()));
      if (!page.changes().isEmpty()) {
        apply(page.changes(), generation);
      }
      cursor = page.next();
    } while (!cursor.equals("0-0") && running());
    if (cursor.equals("0-0")) {
      // the consumers that held the partition before have nothing pending now: drop their records
      await(streams.forgetIdleConsumers(partition, settings.consumer(), true));
    }
  }

  /**
   * Claims and applies, page by page in stream order, the changes pending below {@code before}
   * (every pending one when {@code null}): those that reads of other consumers, or timed-out reads
   * of this one, took after this consumer recovered the partition (see the class comment).
   */
  private void applyStrays(@Nullable String before, int generation) throws InterruptedException {
    while (running()) {
      List<QueuedChange> strays = await(streams.claimPendingBefore(partition, settings.consumer(), before, settings.batchSize()));
      if (strays.isEmpty()) {
        return;
      }
      apply(strays, generation);
    }
  }

  private void apply(List<QueuedChange> batch, int generation) throws InterruptedException {
    List<QueuedChange> fresh = new ArrayList<>(batch.size());
    for (QueuedChange change : batch) {
      if (change.deliveries() > settings.maxDeliveries()) {
        deadLetter(change, "delivered " + change.deliveries() + " times without being acknowledged", generation);
      } else {
        fresh.add(change);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    checkLease(generation);
    Throwable failure = write(fresh);
    if (failure == null) {
      acknowledge(fresh);
      return;
    }
    counters.retries.increment();
    for (int i = 0; i < fresh.size(); i++) {
      applyAlone(fresh.get(i), i == 0, failure, generation);
    }
  }

  /**
   * Hands {@code changes} to the writer; returns what it threw, or {@code null}. Errors count as
   * failures too (a writer's StackOverflowError on one change must not end the partition's thread
   * while its lease is still renewed).
   */
  private @Nullable Throwable write(List<QueuedChange> changes) {
    try {
      sink.apply(List.copyOf(changes));
      return null;
    } catch (Exception | Error e) {
      return e;
    }
  }

  /**
   * Applies one change of a failed batch by itself until it succeeds or has been delivered {@code
   * maxDeliveries} times. The first change of the batch waits before its first try (the writer
   * just failed); the others are tried at once.
   */
  private void applyAlone(QueuedChange change, boolean pauseFirst, Throwable batchFailure, int generation)
      throws InterruptedException {
    Throwable failure = batchFailure;
    if (change.deliveries() >= settings.maxDeliveries()) {
      deadLetter(change, describe(failure), generation);
      return;
    }
    Duration backoff = settings.retryBackoff();
    boolean pause = pauseFirst;
    QueuedChange attempt = change;
    while (true) {
      if (pause) {
        pause(backoff);
        backoff = min(backoff.multipliedBy(2), settings.maxRetryBackoff());
      }
      if (!running()) {
        throw new Abandoned();
      }
      checkLease(generation);
      if (!await(streams.redeliver(partition, settings.consumer(), attempt))) {
        return; // no longer pending: another consumer applied it
      }
      attempt = attempt.redelivered();
      Throwable error = write(List.of(attempt));
      if (error == null) {
        acknowledge(List.of(attempt));
        return;
      }
      counters.retries.increment();
      failure = error;
      if (attempt.deliveries() >= settings.maxDeliveries()) {
        deadLetter(attempt, describe(failure), generation);
        return;
      }
      pause = true;
    }
  }

  private void acknowledge(List<QueuedChange> applied) throws InterruptedException {
    await(streams.acknowledge(partition, applied));
    counters.batches.increment();
  }

  private void deadLetter(QueuedChange change, String error, int generation) throws InterruptedException {
    checkLease(generation);
    await(streams.deadLetter(partition, change, error));
    counters.deadLetters.increment();
    try {
      sink.deadLettered(change);
    } catch (RuntimeException e) {
      // the change is in the dead-letter stream; telling the cache is best effort
    }
  }

  /** Gives the batch up (it stays pending) if the lease is not trusted, or was lost and taken again. */
  private void checkLease(int generation) {
    if (!leases.trusted(partition) || leases.generation(partition) != generation) {
      throw new Abandoned();
    }
  }

  private boolean running() {
    return stopping.getCount() > 0 && !Thread.currentThread().isInterrupted();
  }

  /** Waits {@code duration}, or less if the consumer is stopping. */
  private void pause(Duration duration) {
    try {
      stopping.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String describe(Throwable failure) {
    return failure.getClass().getName() + ": " + failure.getMessage();
  }

  /** The lease is not trusted or the consumer stops: leave the batch pending for the next holder. */
  private static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super(null, null, false, false);
    }
  }
}
