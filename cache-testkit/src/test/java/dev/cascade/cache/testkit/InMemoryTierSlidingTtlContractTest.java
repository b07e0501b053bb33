package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sliding TTL contract on the in-process tier alone: Caffeine's expire-after-read. */
class InMemoryTierSlidingTtlContractTest extends SlidingTtlContract {
  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).inMemory(m -> m.maximumSize(100_000)).ticker(ticker);
  }

  @Test
  void getIfPresent_everyHalfSlide_stillEndsAtTheInMemoryTtlCountedFromTheWrite() {
    Cache<String, String> cache =
        build(
            Cache.<String, String>builder(name("slide-capped"))
                .inMemory(m -> m.maximumSize(100).ttl(Duration.ofSeconds(30)))
                .ticker(ticker)
                .expireAfterAccess(SLIDE));
    cache.put("k", "v");

    for (int i = 0; i < 5; i++) { // 25 s
      ticker.advance(SLIDE.dividedBy(2));
      assertThat(cache.getIfPresent("k")).as("read %d", i).isEqualTo("v");
    }
    ticker.advance(Duration.ofSeconds(5)); // 30 s after the write, 5 s after the last read

    assertThat(cache.getIfPresent("k")).isNull();
  }
}
