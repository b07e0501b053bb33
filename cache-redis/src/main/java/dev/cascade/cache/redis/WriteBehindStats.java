package dev.cascade.cache.redis;

import java.time.Duration;

/**
 * A snapshot of a write-behind queue. The first four figures are read from Redis and cover every
 * producer and consumer of the queue; {@code batches} and {@code retries} count what the consumer of
 * this instance did since it started. Immutable.
 *
 * @param queueLength changes not yet applied (waiting, or delivered and not yet acknowledged), over
 *     all partitions; bounded per partition by {@code maxLength}
 * @param pendingEntries changes delivered to a consumer and not yet acknowledged
 * @param oldestPendingAge how long ago (by the Redis server's clock) the oldest change not yet
 *     applied was queued; zero when the queue is empty. The lag of the database behind the cache.
 * @param deadLetters changes in the dead-letter streams, given up after {@code maxDeliveries}
 * @param batches writer calls of this instance that succeeded and were acknowledged
 * @param retries writer calls of this instance that failed (the changes were delivered again or
 *     dead-lettered)
 */
public record WriteBehindStats(
    long queueLength, long pendingEntries, Duration oldestPendingAge, long deadLetters, long batches, long retries) {}
