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
 * Cascade on Redis, built as docs/redis.md shows: two service instances share a Redis, each with its
 * own Lettuce client, {@link RedisBackend} and layered cache (an in-process L1 in front of Redis,
 * kept coherent by the backend's invalidation channel, with the distributed stampede lease). It
 * shows the lease (16 concurrent gets of a cold key, 8 on each instance, make one database query),
 * a read through Redis, an update on one instance seen at once by the other, a tag invalidation and
 * a bulk load. Needs a Redis: the URI is the first argument (default {@code
 * redis://localhost:6379}); it deletes the keys of its cache {@code example-products} there. Run
 * after {@code mvn -q -DskipTests package -pl examples -am}:
 *
 * <pre>{@code java -cp examples/target/cascade-examples.jar dev.cascade.examples.RedisExample}</pre>
 */
public final class RedisExample {
  private RedisExample() {}

  public static void main(String[] args) {
    String uri = args.length > 0 ? args[0] : "redis://localhost:6379";
    SlowDatabase database = new SlowDatabase(Duration.ofMillis(20));
    try (Instance a = new Instance(uri);
        Instance b = new Instance(uri)) {
      a.products.invalidateAll(); // start from an empty cache: this cache's keys only

      long before = database.queryCount();
      List<Product> got = ConcurrentGets.of(List.of(a.products, b.products), 7L, database);
      System.out.println(got.size() + " concurrent gets of product 7 on A and B; database queries: "
          + (database.queryCount() - before) + " (one lease holder loads, the others wait for its value)");

      System.out.println("B reads       " + b.products.getIfPresent(7L));
      a.products.put(7L, new Product(7, "Lamp", 1_999));
      System.out.println("A updates 7;  B reads " + b.products.getIfPresent(7L));

      b.products.put(8L, new Product(8, "Desk", 15_000), Duration.ofMinutes(5), "category:furniture");
      System.out.println("A reads       " + a.products.getIfPresent(8L) + " written by B");
      a.products.invalidateTag("category:furniture");
      System.out.println("after A invalidates the tag, B reads " + b.products.getIfPresent(8L));

      before = database.queryCount();
      Map<Long, Product> some = b.products.getAll(List.of(7L, 9L, 10L), database::findProducts);
      System.out.println("B bulk-loaded " + some.keySet() + "; database queries: " + (database.queryCount() - before)
          + " (for 9 and 10: 7 was cached)");
    }
  }

  /** One service instance: its own client, its backend (connections and channel) and its cache. */
  private static final class Instance implements AutoCloseable {
    final RedisClient redis;
    final RedisBackend backend;
    final Cache<Long, Product> products;

    Instance(String uri) {
      redis = RedisClient.create(uri);
      backend = RedisBackend.builder(redis).commandTimeout(Duration.ofMillis(250)).build();
      products =
          Cache.<Long, Product>builder("example-products")
              .inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofSeconds(30)))
              .tier(backend.store())
              .valueCodec(JsonCodec.of(Product.class))
              .ttl(Duration.ofMinutes(10))
              .ttlJitter(0.10)
              .invalidation(backend.invalidation())
              .stampede(Stampede.distributed(backend.stampedeLock()))
              .build();
    }

    @Override
    public void close() {
      products.close(); // the caches first, then the backend that serves them, then the client
      backend.close();
      redis.shutdown();
    }
  }
}
