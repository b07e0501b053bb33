package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.redis.internal.ConsumerSettings;
import dev.cascade.cache.spi.Codec;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link WriteBehind}; made by {@link WriteBehind#builder}. The key and value codecs
 * are required; a writer is required to {@linkplain WriteBehind#start() start} a consumer (an
 * instance that only produces changes needs none). Every instance of a queue must agree on its
 * name, codecs and partitions. Not thread-safe; each option may be set once (a second time throws
 * {@link IllegalStateException}); a bad value throws {@link IllegalArgumentException} naming it.
 */
public final class WriteBehindBuilder<K, V> {
  final RedisBackend backend;
  final String name;
  final Cache<K, V> cache;
  @Nullable Codec<K> keyCodec;
  @Nullable Codec<V> valueCodec;
  @Nullable BatchWriter<K, V> writer;
  private @Nullable Long maxLength;
  private @Nullable Duration fullQueueWait;
  private @Nullable Integer partitions;
  private @Nullable Integer batchSize;
  private @Nullable Duration blockTime;
  private @Nullable Integer maxDeliveries;
  private @Nullable Duration minIdle;
  private @Nullable Duration pollInterval;
  private @Nullable Duration retryBackoff;
  private @Nullable Duration maxRetryBackoff;
  private @Nullable String consumerName;

  WriteBehindBuilder(RedisBackend backend, String name, Cache<K, V> cache) {
    this.backend = backend;
    this.name = name;
    this.cache = cache;
  }

  /**
   * Sets how keys are written into the queue and read back for the writer (a {@link
   * dev.cascade.cache.spi.KeyCodec} only writes). Equal keys must give equal bytes: the bytes choose
   * the partition and name the key's queued value.
   */
  public WriteBehindBuilder<K, V> keyCodec(Codec<K> keyCodec) {
    once(this.keyCodec, "keyCodec");
    this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
    return this;
  }

  /** Sets how values are written into the queue and read back. */
  public WriteBehindBuilder<K, V> valueCodec(Codec<V> valueCodec) {
    once(this.valueCodec, "valueCodec");
    this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
    return this;
  }

  /** Sets the writer the consumer hands batches to; see {@link BatchWriter}. */
  public WriteBehindBuilder<K, V> writer(BatchWriter<K, V> writer) {
    once(this.writer, "writer");
    this.writer = Objects.requireNonNull(writer, "writer");
    return this;
  }

  /**
   * Sets the number of partitions (default 4): streams drained in parallel, by one consumer each.
   * Changing it while changes are queued breaks per-key order: drain the queue first.
   *
   * @throws IllegalArgumentException if not between 1 and 1024
   */
  public WriteBehindBuilder<K, V> partitions(int partitions) {
    once(this.partitions, "partitions");
    this.partitions = range(partitions, 1, 1024, "partitions");
    return this;
  }

  /**
   * Sets the most changes handed to the writer at once (default 100).
   *
   * @throws IllegalArgumentException if not between 1 and 10 000
   */
  public WriteBehindBuilder<K, V> batchSize(int batchSize) {
    once(this.batchSize, "batchSize");
    this.batchSize = range(batchSize, 1, 10_000, "batchSize");
    return this;
  }

  /**
   * Sets how long a consumer's read waits for new changes (default 500 ms): the longest a {@code
   * close} waits for an idle partition.
   *
   * @throws IllegalArgumentException if not positive
   */
  public WriteBehindBuilder<K, V> blockTime(Duration blockTime) {
    once(this.blockTime, "blockTime");
    this.blockTime = RedisOptions.positive(blockTime, "blockTime");
    return this;
  }

  /**
   * Sets the most changes not yet applied that one partition holds (default 100 000). When a
   * partition is full, {@code put} and {@code delete} wait up to {@link #fullQueueWait} for room,
   * then throw {@link WriteBehindFullException}; a change is never dropped.
   *
   * @throws IllegalArgumentException if not positive
   */
  public WriteBehindBuilder<K, V> maxLength(long maxLength) {
    once(this.maxLength, "maxLength");
    if (maxLength <= 0) {
      throw new IllegalArgumentException("maxLength must be positive, was " + maxLength);
    }
    this.maxLength = maxLength;
    return this;
  }

  /**
   * Sets how long a change waits for room in a full partition before {@link
   * WriteBehindFullException} (default zero: throw at once).
   *
   * @throws IllegalArgumentException if negative
   */
  public WriteBehindBuilder<K, V> fullQueueWait(Duration fullQueueWait) {
    once(this.fullQueueWait, "fullQueueWait");
    Objects.requireNonNull(fullQueueWait, "fullQueueWait");
    if (fullQueueWait.isNegative()) {
      throw new IllegalArgumentException("fullQueueWait must not be negative, was " + fullQueueWait);
    }
    this.fullQueueWait = fullQueueWait;
    return this;
  }

  /**
   * Sets how many deliveries a change gets before it moves to the dead-letter stream (default 10).
   *
   * @throws IllegalArgumentException if not positive
   */
  public WriteBehindBuilder<K, V> maxDeliveries(int maxDeliveries) {
    once(this.maxDeliveries, "maxDeliveries");
    this.maxDeliveries = range(maxDeliveries, 1, Integer.MAX_VALUE, "maxDeliveries");
    return this;
  }

  /**
   * Sets how long a consumer may stay silent before another takes its partitions and claims the
   * changes it was applying (default 30 s). It is the partition lease's time to live: a consumer
   * that dies leaves its changes for at most this long plus one poll interval. A writer call must
   * take less than this (minus one poll interval), or another consumer may apply the partition at
   * the same time. The lease's TTL is sent to Redis in whole milliseconds, rounded up (a {@code
   * minIdle} under 1 ms gives a 1 ms lease, 1.5 ms gives 2 ms), so the lease never lapses in Redis
   * before the consumer stops trusting it.
   *
   * @throws IllegalArgumentException if not positive
   */
  public WriteBehindBuilder<K, V> minIdle(Duration minIdle) {
    once(this.minIdle, "minIdle");
    this.minIdle = RedisOptions.positive(minIdle, "minIdle");
    return this;
  }

  /**
   * Sets how often a consumer renews its leases and looks for free partitions, and how long it waits
   * after a Redis error (default 1 s; at most a third of {@code minIdle}).
   *
   * @throws IllegalArgumentException if not positive
   */
  public WriteBehindBuilder<K, V> pollInterval(Duration pollInterval) {
    once(this.pollInterval, "pollInterval");
    this.pollInterval = RedisOptions.positive(pollInterval, "pollInterval");
    return this;
  }

  /**
   * Sets the pause before a failed change is tried again (default 100 ms), doubled after each
   * failure up to {@code max} (default 10 s).
   *
   * @throws IllegalArgumentException if not positive, or if {@code max} is less than {@code first}
   */
  public WriteBehindBuilder<K, V> retryBackoff(Duration first, Duration max) {
    once(this.retryBackoff, "retryBackoff");
    RedisOptions.positive(first, "retryBackoff first");
    RedisOptions.positive(max, "retryBackoff max");
    if (max.compareTo(first) < 0) {
      throw new IllegalArgumentException("retryBackoff max " + max + " is less than first " + first);
    }
    this.retryBackoff = first;
    this.maxRetryBackoff = max;
    return this;
  }

  /**
   * Sets the name this instance's consumer reads and holds leases as (default {@code consumer-}
   * and a random UUID); it shows in {@code XINFO CONSUMERS}. Two live instances must not share one.
   *
   * @throws IllegalArgumentException if empty
   */
  public WriteBehindBuilder<K, V> consumerName(String consumerName) {
    once(this.consumerName, "consumerName");
    Objects.requireNonNull(consumerName, "consumerName");
    if (consumerName.isEmpty()) {
      throw new IllegalArgumentException("consumerName must not be empty");
    }
    this.consumerName = consumerName;
    return this;
  }

  /**
   * Returns the queue; it uses the backend's command connection at once and opens connections of
   * its own only when started.
   *
   * @throws IllegalStateException if a codec is missing, if {@code pollInterval} is more than a
   *     third of {@code minIdle}, or if the backend is closed
   */
  public WriteBehind<K, V> build() {
    if (keyCodec == null || valueCodec == null) {
      throw new IllegalStateException("write-behind " + name + " needs a keyCodec and a valueCodec");
    }
    Duration idle = minIdle == null ? Duration.ofSeconds(30) : minIdle;
    Duration poll = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    if (poll.multipliedBy(3).compareTo(idle) > 0) {
      throw new IllegalStateException("pollInterval " + poll + " must be at most a third of minIdle " + idle);
    }
    ConsumerSettings settings =
        new ConsumerSettings(
            consumerName == null ? "consumer-" + UUID.randomUUID() : consumerName,
            partitions == null ? 4 : partitions,
            batchSize == null ? 100 : batchSize,
            blockTime == null ? Duration.ofMillis(500) : blockTime,
            maxDeliveries == null ? 10 : maxDeliveries,
            idle,
            poll,
            retryBackoff == null ? Duration.ofMillis(100) : retryBackoff,
            maxRetryBackoff == null ? Duration.ofSeconds(10) : maxRetryBackoff);
    return new WriteBehind<>(
        this, settings, maxLength == null ? 100_000 : maxLength, fullQueueWait == null ? Duration.ZERO : fullQueueWait);
  }

  private static void once(@Nullable Object current, String what) {
    if (current != null) {
      throw new IllegalStateException(what + " was already set to " + current);
    }
  }

  private static int range(int value, int min, int max, String what) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }
}
