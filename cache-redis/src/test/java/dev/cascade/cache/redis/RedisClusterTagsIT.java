package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tags on a 3-master cluster, whose members live in different slots and on different masters. */
class RedisClusterTagsIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();




  private static Cache<String, String> cache(String name) {
    return Cache.<String, String>builder(name).tier(redis.store()).valueCodec(StringCodec.create()).build();
  }

  private static List<String> keys(int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add("item-" + i);
    }
    return keys;
  }

  @Test
  void invalidateTag_thousandKeysOnEveryMaster_noneReadableAfterwards() {
    Cache<String, String> cache = cache("tagged");
    List<String> keys = keys(1000);
    keys.forEach(key -> cache.put(key, "v", Duration.ofMinutes(5), "campaign"));
    for (int i = 0; i < redis.server().size(); i++) {
      assertThat((Long) redis.server().command(i, "DBSIZE")).as("keys on master %d", i).isGreaterThan(100);
    }
    assertThat(cache.getAll(keys)).hasSize(1000);

    cache.invalidateTag("campaign");

    assertThat(cache.getAll(keys)).isEmpty();
    Cache<String, String> otherInstance = cache("tagged");
    for (String key : keys) {
      assertThat(otherInstance.getIfPresent(key)).isNull();
    }
  }

  @Test
  void tagKeyDeletedBehindTheCachesBack_entriesReadAsMisses_neverResurrected() {
    Cache<String, String> cache = cache("evicted");
    List<String> keys = keys(200);
    keys.forEach(key -> cache.put(key, "v", Duration.ofMinutes(5), "t"));

    // The server evicts the tag's bookkeeping (as under maxmemory with allkeys-lru).
    int deleted = 0;
    for (int i = 0; i < redis.server().size(); i++) {
      try {
        deleted += ((Long) redis.server().command(i, "DEL", "cascade:evicted:#tag:t")).intValue();
      } catch (IllegalStateException movedToAnotherMaster) {
        // only the master owning the tag key's slot can delete it
      }
    }
    assertThat(deleted).isEqualTo(1);

    assertThat(cache.getAll(keys)).isEmpty();
    cache.put("fresh", "w", Duration.ofMinutes(5), "t"); // recreates the tag with a new random version
    assertThat(cache.getAll(keys)).isEmpty();
    assertThat(cache.getIfPresent("fresh")).isEqualTo("w");
  }
}
