package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.codec.StringCodec;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.Set;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw values and key templates on a real Redis: glob characters in templates, hostile values under
 * raw keys, tag sets, and the templates {@code build()} refuses.
 */
class RedisRawLayoutIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private final List<Cache<?, ?>> caches = new ArrayList<>();

  @AfterEach
  void closeCaches() {
    caches.forEach(Cache::close);
    caches.clear();
  }

  /** Would record its own loading if anything ever deserialized it. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean LOADED = new AtomicBoolean();

    private void readObject(java.io.ObjectInputStream in) {
      LOADED.set(true);
    }
  }

  record Product(long id, String name) {}

  private <V> Cache<String, V> raw(String name, String template, dev.cascade.cache.spi.Codec<V> codec) {
    Cache<String, V> cache =
        Cache.<String, V>builder(name)
            .tier(redis.store())
            .valueCodec(codec)
            .remoteLayout(r -> r.rawValues().keyTemplate(template))
            .build();
    caches.add(cache);
    return cache;
  }

  @Test
  void invalidateAll_fourteenGlobLikeTemplates_deletesOnlyItsOwnKeys() {
    List<String> literals =
        List.of("a*:", "a?:", "a[bc]:", "a\\:", "ab:", "abc:", "a:", "aXY:", "a-b:", "a^:", "[a]:", "*:", "?:", "a]:");
    Map<String, Cache<String, String>> byLiteral = new LinkedHashMap<>();
    for (String literal : literals) {
      Cache<String, String> cache = raw("c" + byLiteral.size(), literal + "{key}", StringCodec.create());
      cache.put("k", literal, Duration.ofMinutes(5));
      cache.put("*", literal, Duration.ofMinutes(5));
      byLiteral.put(literal, cache);
    }
    redis.server().command(0, "SET", "a", "bystander");
    redis.server().command(0, "SET", "ab", "bystander");

    List<String> cleared = List.of("a*:", "a[bc]:", "*:", "a\\:", "?:");
    cleared.forEach(literal -> byLiteral.get(literal).invalidateAll());

    byLiteral.forEach(
        (literal, cache) -> {
          String expected = cleared.contains(literal) ? null : literal;
          assertThat(cache.getIfPresent("k")).as(literal).isEqualTo(expected);
          assertThat(cache.getIfPresent("*")).as(literal).isEqualTo(expected);
        });
    assertThat(redis.server().command(0, "GET", "a")).isEqualTo("bystander");
    assertThat(redis.server().command(0, "GET", "ab")).isEqualTo("bystander");
  }

  @Test
  void build_templateOverlappingAnotherCacheOnTheBackend_isRefused() {
    raw("users", "user:{key}", StringCodec.create());

    assertThatThrownBy(() -> raw("admins", "user:admin:{key}", StringCodec.create()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("user:admin:")
        .hasMessageContaining("invalidateAll()");
    assertThatThrownBy(() -> raw("all", "u{key}", StringCodec.create())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void hostileValuesUnderRawKeys_areCountedMissesThatReload_andNeverDeserialized() throws Exception {
    Cache<String, Product> products = raw("products", "product:{key}", JsonCodec.of(Product.class));
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(new Gadget());
    }
    redis.server().command(0, "SET", "product:java", serialized.toByteArray());
    redis.server().command(0, "SET", "product:typed", "{\"@class\":\"" + Gadget.class.getName() + "\",\"id\":1,\"name\":\"x\"}");
    redis.server().command(0, "SET", "product:deep", "[".repeat(10_000) + "]".repeat(10_000));
    redis.server().command(0, "SET", "product:huge", "[" + "1,".repeat(9_000_000) + "1]");
    redis.server().command(0, "SET", "product:shape", "{\"id\":[1],\"name\":{}}");
    redis.server().command(0, "SET", "product:springtyped", "[\"dev.cascade.Product\",{\"id\":1,\"name\":\"x\"}]");
    List<String> keys = List.of("java", "typed", "deep", "huge", "shape", "springtyped");

    for (String key : keys) {
      assertThat(products.getIfPresent(key)).as(key).isNull();
    }

    assertThat(Gadget.LOADED).isFalse();
    assertThat(products.stats().decodeFailureCount()).isEqualTo(keys.size());
    assertThat(products.stats().missCount()).isEqualTo(keys.size());
    assertThat((Long) redis.server().command(0, "EXISTS", keys.stream().map(k -> "product:" + k).toArray())).isZero();
    assertThat(products.get("shape", key -> new Product(1, "fresh"))).isEqualTo(new Product(1, "fresh"));
    assertThat(redis.server().command(0, "GET", "product:shape")).isEqualTo("{\"id\":1,\"name\":\"fresh\"}");
  }

  @Test
  void getWithTtl_returnsValueAndRemainingTtl_inOneScript() {
    redis.server().command(0, "SET", "timed:a", "x", "PX", "50000");
    redis.server().command(0, "SET", "timed:b", "y");

    dev.cascade.cache.spi.TimedValue a = redis.store().getWithTtl("timed:a").join();
    Map<String, dev.cascade.cache.spi.TimedValue> all = redis.store().getAllWithTtl(List.of("timed:a", "timed:b", "timed:c")).join();

    assertThat(a.value()).isEqualTo("x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(a.remaining()).isBetween(Duration.ofSeconds(49), Duration.ofSeconds(50));
    assertThat(all).containsOnlyKeys("timed:a", "timed:b");
    assertThat(all.get("timed:b").remaining()).isNull();
    assertThat(redis.store().getWithTtl("timed:c").join()).isNull();
  }

  @Test
  void tagSets_putAndInvalidate_keepTheSetsTtlAtLeastTheNewestEntrysPlusAMinute() {
    Cache<String, String> cache =
        Cache.<String, String>builder("tagged")
            .tier(redis.store())
            .valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues().keyTemplate("tagged:{key}").tagSets("tset:{tag}"))
            .build();
    caches.add(cache);

    cache.put("long", "1", Duration.ofSeconds(600), "t");
    cache.put("short", "2", Duration.ofSeconds(10), "t", "u");

    assertThat((Long) redis.server().command(0, "TTL", "tset:t")).isBetween(659L, 660L); // never shortened
    assertThat((Long) redis.server().command(0, "TTL", "tset:u")).isBetween(69L, 70L);
    assertThat((Long) redis.server().command(0, "SCARD", "tset:t")).isEqualTo(2);

    cache.invalidateTag("t");

    assertThat((Long) redis.server().command(0, "EXISTS", "tagged:long", "tagged:short", "tset:t")).isZero();
    assertThat(cache.getIfPresent("long")).isNull();
  }

  @Test
  void tagSets_anEntryWithoutTtlJoiningASetWithOne_takesTheSetsTtlAway_soTheTagStillReachesIt() {
    Cache<String, String> cache =
        Cache.<String, String>builder("untimed")
            .tier(redis.store())
            .valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues().keyTemplate("untimed:{key}").tagSets("uset:{tag}"))
            .build();
    caches.add(cache);

    cache.put("timed", "1", Duration.ofSeconds(60), "t");
    cache.put("forever", "2", Set.of("t"));

    assertThat((Long) redis.server().command(0, "TTL", "uset:t")).as("the set outlives its member that never expires").isEqualTo(-1L);
    cache.invalidateTag("t");
    assertThat((Long) redis.server().command(0, "EXISTS", "untimed:forever")).isZero();
  }
}
