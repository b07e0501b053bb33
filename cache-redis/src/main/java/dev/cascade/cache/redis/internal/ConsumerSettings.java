package dev.cascade.cache.redis.internal;

import java.time.Duration;

/**
 * How a write-behind consumer runs; checked by the public builder. {@code minIdle} is also the
 * partition lease's time to live, which the consumer renews every {@code pollInterval} (at most a
 * third of it).
 */
public record ConsumerSettings(
    String consumer,
    int partitions,
    int batchSize,
    Duration blockTime,
    int maxDeliveries,
    Duration minIdle,
    Duration pollInterval,
    Duration retryBackoff,
    Duration maxRetryBackoff) {}
