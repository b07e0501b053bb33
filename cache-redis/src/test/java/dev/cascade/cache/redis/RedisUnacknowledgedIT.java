package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.metrics.CacheMeterNames;
import dev.cascade.cache.metrics.CacheMetrics;
import dev.cascade.cache.spi.InvalidationChannel;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write whose invalidation another instance does not acknowledge in time: counted in the writing
 * cache's {@code CacheStats} and meter, and, with {@link RedisInvalidation.Unacknowledged#FAIL}, a
 * failed call. The other instance is a real one (its own client, backend and cache) whose channel
 * thread is stalled: a listener of its channel blocks on a latch, as a long pause would, so it
 * neither applies nor acknowledges until the latch opens.
 */
class RedisUnacknowledgedIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  // The writes that must be acknowledged (k1, k3, u) must be on a busy machine; the stall is a
  // latch, not a time, so a longer timeout only makes the stalled writes wait longer.
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);

  private final List<AutoCloseable> opened = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    release.countDown();
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void put_receiverStalledPastAckTimeout_failModeThrowsTimeoutNamingCacheKeyAndInstance() {
    RedisBackend writerBackend = backend(RedisInvalidation.Unacknowledged.FAIL);
    Cache<String, String> writer = cache("orders", writerBackend);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CacheMetrics.monitor(writer, registry);
    RedisBackend stalledBackend = backend(RedisInvalidation.Unacknowledged.PROCEED);
    Cache<String, String> stalled = cache("orders", stalledBackend);
    writer.put("k1", "v1"); // acknowledged while nothing is stalled
    assertThat(writer.stats().unacknowledgedInvalidationCount()).isZero();

    CountDownLatch stalling = stall(stalledBackend.invalidation(), "orders");
    String stalledId = stalledBackend.invalidation().instanceId();
    assertThatThrownBy(() -> writer.put("k2", "v2"))
        .isInstanceOf(CacheTimeoutException.class)
        .hasMessageContaining("orders")
        .hasMessageContaining("k2")
        .hasMessageContaining(stalledId);
    assertThat(stalling.getCount()).as("the receiver was stalled on the write").isZero();

    assertThat(writer.stats().unacknowledgedInvalidationCount()).isEqualTo(1);
    assertThat(registry.get(CacheMeterNames.INVALIDATIONS_UNACKNOWLEDGED).tag("cache", "orders").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(writer.getIfPresent("k2")).as("the write itself is done").isEqualTo("v2");
    assertThat(writerBackend.invalidation().unacknowledgedCount()).isEqualTo(1);

    release.countDown(); // the stalled instance catches up and acknowledges k2 late
    await().atMost(Duration.ofSeconds(10)).until(() -> writerBackend.invalidation().waitsFor(stalledId));
    writer.put("k3", "v3"); // waited for and acknowledged
    assertThat(writer.stats().unacknowledgedInvalidationCount()).isEqualTo(1);
    assertThat(stalled.getIfPresent("k3")).isEqualTo("v3");
  }

  @Test
  void put_receiverStalledPastAckTimeout_proceedModeCompletesAndCountsPerCache() {
    RedisBackend writerBackend = backend(RedisInvalidation.Unacknowledged.PROCEED);
    Cache<String, String> writer = cache("carts", writerBackend);
    Cache<String, String> otherCacheOfWriter = cache("users", writerBackend);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CacheMetrics.monitor(writer, registry);
    CacheMetrics.monitor(otherCacheOfWriter, registry);
    RedisBackend stalledBackend = backend(RedisInvalidation.Unacknowledged.PROCEED);
    cache("carts", stalledBackend);
    cache("users", stalledBackend);
    otherCacheOfWriter.put("u", "1");

    stall(stalledBackend.invalidation(), "carts");
    writer.put("c1", "v1"); // completes after the ack timeout, normally

    assertThat(writer.stats().unacknowledgedInvalidationCount()).isEqualTo(1);
    assertThat(otherCacheOfWriter.stats().unacknowledgedInvalidationCount()).as("another cache of the channel").isZero();
    assertThat(registry.get(CacheMeterNames.INVALIDATIONS_UNACKNOWLEDGED).tag("cache", "carts").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(registry.get(CacheMeterNames.INVALIDATIONS_UNACKNOWLEDGED).tag("cache", "users").functionCounter().count())
        .isZero();
  }

  /** Stalls {@code channel}'s delivery thread at the next event of {@code cacheName}; returns a latch counted down when it stalls. */
  private CountDownLatch stall(RedisInvalidation channel, String cacheName) {
    CountDownLatch stalling = new CountDownLatch(1);
    InvalidationChannel.Subscription subscription =
        channel.subscribe(
            cacheName,
            new InvalidationChannel.Listener() {
              @Override
              public void onEvent(InvalidationChannel.Event event) {
                stalling.countDown();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }

              @Override
              public void onPossibleLoss() {}
            });
    opened.add(subscription);
    return stalling;
  }

  private RedisBackend backend(RedisInvalidation.Unacknowledged unacknowledged) {
    RedisClient client = (RedisClient) redis.newClient();
    RedisBackend backend =
        RedisBackend.builder(client)
            .commandTimeout(RedisTests.RELAXED_TIMEOUT)
            .ackTimeout(ACK_TIMEOUT)
            .unacknowledged(unacknowledged)
            .build();
    opened.add(backend);
    return backend;
  }

  private Cache<String, String> cache(String name, RedisBackend backend) {
    Cache<String, String> cache =
        Cache.<String, String>builder(name)
            .inMemory(m -> m.maximumSize(1_000))
            .tier(backend.store())
            .valueCodec(StringCodec.create())
            .invalidation(backend.invalidation())
            .build();
    opened.add(cache);
    return cache;
  }
}
