package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.redis.RedisBackend;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Cascade on Redis: a shared cache two service instances read and write, with tags, bulk loads and
 * the distributed stampede lease. One {@link RedisBackend} per instance owns the connections; the
 * two instances here share one, as two caches of one service would. Needs a Redis: the URI is the first argument (default {@code
 * redis://localhost:6379}). Run after {@code mvn -q -DskipTests package -pl examples -am}:
 *
 * <pre>{@code java -cp examples/target/cascade-examples.jar dev.cascade.examples.RedisExample}</pre>
 */
public final class RedisExample {
  private RedisExample() {}

  public static void main(String[] args) {
    String uri = args.length > 0 ? args[0] : "redis://localhost:6379";
    RedisClient redis = RedisClient.create(uri);
    SlowDatabase database = new SlowDatabase(Duration.ofMillis(20));
    try (RedisBackend backend = RedisBackend.create(redis);
        Cache<Long, Product> instanceA = products(backend);
        Cache<Long, Product> instanceB = products(backend)) {
      instanceA.invalidateAll();

      Product lamp = instanceA.get(7L, database::findProduct);
      System.out.println("A loaded      " + lamp + " (database queries: " + database.queryCount() + ")");
      System.out.println("B reads       " + instanceB.getIfPresent(7L) + " from Redis");

      instanceB.put(8L, new Product(8, "Desk", 15_000), Duration.ofMinutes(5), "category:furniture");
      System.out.println("A reads       " + instanceA.getIfPresent(8L) + " written by B");
      instanceA.invalidateTag("category:furniture");
      System.out.println("after tag invalidation B reads " + instanceB.getIfPresent(8L));

      Map<Long, Product> some = instanceB.getAll(List.of(7L, 9L, 10L), missing -> database.findProducts(missing));
      System.out.println("B bulk-loaded " + some.keySet() + " (database queries: " + database.queryCount() + ")");
      System.out.println("A stats       " + instanceA.stats());
    } finally {
      redis.shutdown();
    }
  }

  private static Cache<Long, Product> products(RedisBackend backend) {
    return Cache.<Long, Product>builder("example-products")
        .tier(backend.store())
        .valueCodec(JsonCodec.of(Product.class))
        .ttl(Duration.ofMinutes(10))
        .ttlJitter(0.1)
        .stampede(Stampede.distributed(backend.stampedeLock()))
        .build();
  }
}
