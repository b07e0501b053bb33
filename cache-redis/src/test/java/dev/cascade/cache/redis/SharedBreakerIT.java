package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One timeout per dead server, not per cache: twenty caches on one {@link RedisBackend} share the
 * backend's circuit breaker, so a SIGSTOPped server costs the breaker's threshold of command
 * timeouts in all, where a breaker per cache cost twenty times that.
 */
class SharedBreakerIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private static final int CACHES = 20;
  private static final int THRESHOLD = 3;

  private final List<Cache<String, String>> caches = new ArrayList<>();
  private @Nullable RedisBackend backend;
  private @Nullable RedisClient client;

  @AfterEach
  void close() {
    caches.forEach(Cache::close);
    if (backend != null) {
      backend.close();
    }
    if (client != null) {
      client.shutdown();
    }
    if (!redis.process(0).isAlive()) {
      redis.process(0).restart();
    }
  }

  @Test
  void pausedServer_twentyCaches_payTheThresholdOfTimeoutsInAll() {
    client = RedisClient.create(redis.uri());
    backend = RedisBackend.builder(client).commandTimeout(Duration.ofMillis(300)).build();
    AtomicInteger timeouts = new AtomicInteger();
    CacheEventListener.Factory countTimeouts =
        inspector ->
            new CacheEventListener() {
              @Override
              public void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
                if (failure instanceof CacheTimeoutException) {
                  timeouts.incrementAndGet();
                }
              }
            };
    for (int i = 0; i < CACHES; i++) {
      caches.add(
          Cache.<String, String>builder("shared-breaker-" + i)
              .inMemory(m -> m.maximumSize(100))
              .tier(backend.store())
              .valueCodec(StringCodec.create())
              .circuitBreaker(THRESHOLD, Duration.ofMinutes(1))
              .eventListener(countTimeouts)
              .build());
    }
    caches.forEach(cache -> cache.put("warm", "w")); // every cache has used the connection

    redis.process(0).pause();
    try {
      for (Cache<String, String> cache : caches) {
        assertThat(cache.get("missing", key -> "loaded")).isEqualTo("loaded"); // fails open
      }
    } finally {
      redis.process(0).resume();
    }

    assertThat(timeouts).as("command timeouts across all %d caches", CACHES).hasValue(THRESHOLD);
    caches.forEach(cache -> assertThat(cache.inspect().circuitState(1)).isEqualTo(CircuitState.OPEN));
  }
}
