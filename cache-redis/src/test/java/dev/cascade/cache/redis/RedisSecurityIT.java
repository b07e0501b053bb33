package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.codec.StringCodec;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hostile values under real keys, and names full of glob characters, on a real Redis. */
class RedisSecurityIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();


  /** Would record its own loading if anything ever deserialized it. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean LOADED = new AtomicBoolean();

    private void readObject(java.io.ObjectInputStream in) {
      LOADED.set(true);
    }
  }

  record Product(long id, String name) {}



  /** Writes {@code json} under the cache's key inside a valid envelope, as a rogue writer could. */
  private static void plantJson(String cacheName, String key, String json) {
    Cache<String, String> rogue = Cache.<String, String>builder(cacheName).tier(redis.store()).valueCodec(StringCodec.create()).build();
    rogue.put(key, json);
  }

  @Test
  void hostileValues_areCountedMisses_deleted_andNeverDeserialized() throws Exception {
    Cache<String, Product> products =
        Cache.<String, Product>builder("products").tier(redis.store()).valueCodec(JsonCodec.of(Product.class)).build();
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(new Gadget());
    }
    redis.server().command(0, "SET", "cascade:products:java", serialized.toByteArray());
    plantJson("products", "typed", "{\"@class\":\"" + Gadget.class.getName() + "\",\"id\":1,\"name\":\"x\"}");
    plantJson("products", "deep", "[".repeat(10_000) + "]".repeat(10_000));
    plantJson("products", "huge", "[" + "1,".repeat(9_000_000) + "1]");

    for (String key : List.of("java", "typed", "deep", "huge")) {
      assertThat(products.getIfPresent(key)).as(key).isNull();
    }

    assertThat(Gadget.LOADED).isFalse();
    assertThat(products.stats().decodeFailureCount()).isEqualTo(4);
    assertThat(products.stats().missCount()).isEqualTo(4);
    // Each rejected value is deleted after the read returned its miss, by a compare-and-delete that
    // sends the value read back to Redis (18 MB for "huge"): wait for it.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat((Long) redis.server().command(0, "EXISTS", "cascade:products:java", "cascade:products:typed", "cascade:products:deep", "cascade:products:huge"))
                    .isZero());
  }

  @Test
  void globCharactersInCacheAndTagNames_touchOnlyTheirOwnKeys() {
    List<String> names = List.of("a*", "a?", "a[bc]", "a\\", "ab", "abc", "a", "aXY");
    Map<String, Cache<String, String>> caches = new java.util.LinkedHashMap<>();
    for (String name : names) {
      Cache<String, String> cache = Cache.<String, String>builder(name).tier(redis.store()).valueCodec(StringCodec.create()).build();
      cache.put("k", name, Duration.ofMinutes(5), "t*", "t?");
      caches.put(name, cache);
    }

    caches.get("a*").invalidateAll();
    caches.get("a[bc]").invalidateAll();
    caches.get("a?").invalidateTag("t*");

    for (String name : names) {
      boolean cleared = name.equals("a*") || name.equals("a[bc]") || name.equals("a?");
      assertThat(caches.get(name).getIfPresent("k")).as(name).isEqualTo(cleared ? null : name);
    }
  }
}
