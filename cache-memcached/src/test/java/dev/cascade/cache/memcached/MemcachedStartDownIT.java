package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A service that starts while its memcached is down: the backend and a layered cache on it are
 * built all the same; reads go to the loader and writes fail with a {@link CacheException}; once
 * memcached is started (on the port it was given), the cache uses it with no restart.
 */
class MemcachedStartDownIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    if (!MEMCACHED.process(0).isAlive()) {
      MEMCACHED.process(0).restart();
    }
  }

  @Test
  void build_whileMemcachedDown_readsLoadWritesFail_thenUsesMemcachedOnceItStarts() {
    MEMCACHED.process(0).kill();
    AtomicInteger loads = new AtomicInteger();

    MemcachedBackend backend = backend();
    Cache<String, String> cache = cache(backend);

    assertThat(cache.get("a", key -> "A" + loads.incrementAndGet())).isEqualTo("A1");
    assertThat(cache.stats().tierErrorCount()).as("the read failed open").isPositive();
    assertThatThrownBy(() -> cache.put("b", "B")).isInstanceOf(CacheException.class);

    MEMCACHED.process(0).restart();

    await("the tier takes writes").atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> cache.put("b", "B"));
    Cache<String, String> otherInstance = cache(backend());
    assertThat(otherInstance.get("b", key -> "loaded by the other instance")).as("read from memcached").isEqualTo("B");
    assertThat(cache.get("c", key -> "C" + loads.incrementAndGet())).isEqualTo("C2");
    assertThat(otherInstance.get("c", key -> "loaded by the other instance")).as("published to memcached").isEqualTo("C2");
  }

  private MemcachedBackend backend() {
    MemcachedBackend backend =
        MemcachedBackend.create(
            MemcachedConfig.builder().servers(MEMCACHED.address(0)).commandTimeout(Duration.ofSeconds(2)).build());
    opened.add(backend);
    return backend;
  }

  private Cache<String, String> cache(MemcachedBackend backend) {
    Cache<String, String> cache =
        Cache.<String, String>builder("start-down")
            .inMemory(m -> m.maximumSize(1_000))
            .tier(backend.tier())
            .valueCodec(StringCodec.create())
            .stampede(Stampede.distributed(backend.stampedeLock()))
            .build();
    opened.add(cache);
    return cache;
  }
}
