package dev.cascade.cache.redis.internal;

import java.util.concurrent.atomic.LongAdder;

/** What this instance's consumers did since it started. Thread-safe. */
public final class ConsumerCounters {
  final LongAdder batches = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder deadLetters = new LongAdder();
  final LongAdder redisErrors = new LongAdder();

  /** Returns the batches (a retried single change counts as one) the writer applied. */
  public long batches() {
    return batches.sum();
  }

  /** Returns the writer calls that failed and were retried or dead-lettered. */
  public long retries() {
    return retries.sum();
  }

  /** Returns the changes this instance moved to the dead-letter streams. */
  public long deadLetters() {
    return deadLetters.sum();
  }

  /** Returns the Redis commands of the consumer loops that failed (and were tried again). */
  public long redisErrors() {
    return redisErrors.sum();
  }
}
