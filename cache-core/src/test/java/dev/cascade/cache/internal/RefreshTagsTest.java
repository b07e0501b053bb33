package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The entry a background refresh stores keeps the tags of the entry it refreshed, and adds those
 * of the call that started it: invalidating a tag removes the key whether or not it was refreshed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RefreshTagsTest {
  private static final Duration TTL = Duration.ofSeconds(1);

  private final SimulatedTime.Clock clock = new SimulatedTime.Clock();
  private final SimulatedTime.Steps background = new SimulatedTime.Steps();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(clock);
  private final List<Cache<String, String>> built = new ArrayList<>();

  @AfterEach
  void closeCaches() {
    built.forEach(Cache::close);
  }

  private Cache<String, String> build(CacheBuilder<String, String> builder) {
    Cache<String, String> cache =
        builder.ticker(clock).ttl(TTL).staleWhileRevalidate(Duration.ofMinutes(1)).executor(background).build();
    built.add(cache);
    return cache;
  }

  private Cache<String, String> inProcessOnly(String name) {
    return build(Cache.<String, String>builder(name).inMemory(m -> m.maximumSize(100)));
  }

  private Cache<String, String> remoteOnly(String name) {
    return build(Cache.<String, String>builder(name).tier(store).valueCodec(StringCodec.create()));
  }

  /** Puts "k" with tag "t", lets it expire, and refreshes it with a get that names {@code tags}. */
  private void refreshTaggedEntry(Cache<String, String> cache, Set<String> tags) {
    cache.put("k", "v1", Set.of("t"));
    clock.advance(TTL.multipliedBy(2));
    assertThat(cache.get("k", tags, key -> "v2")).as("stale, refreshed").isEqualTo("v1");
    background.runAll();
    assertThat(cache.get("k", key -> "unused")).isEqualTo("v2");
  }

  @Test
  void refresh_byAGetWithoutTags_keepsTheRefreshedEntrysTags_inProcessOnly() {
    Cache<String, String> cache = inProcessOnly("refresh-tags");
    refreshTaggedEntry(cache, Set.of());

    cache.invalidateTag("t");

    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void refresh_byAGetWithoutTags_keepsTheRefreshedEntrysTags_remoteOnly() {
    Cache<String, String> cache = remoteOnly("refresh-tags-remote");
    refreshTaggedEntry(cache, Set.of());

    cache.invalidateTag("t");

    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void refresh_byAGetWithTags_addsThemToTheRefreshedEntrysTags() {
    Cache<String, String> cache = inProcessOnly("refresh-tags-union");
    refreshTaggedEntry(cache, Set.of("u"));

    cache.invalidateTag("u");
    assertThat(cache.getIfPresent("k")).isNull();
    refreshTaggedEntry(cache, Set.of("u"));
    cache.invalidateTag("t");
    assertThat(cache.getIfPresent("k")).isNull();
  }
}
