package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.redis.Change;
import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.redis.WriteBehind;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Write-behind on Redis Streams: writes return once Redis holds them, a consumer writes them to the
 * database in batches, and loads see queued writes before the database has them. Needs a Redis:
 * the URI is the first argument (default {@code redis://localhost:6379}). Run after {@code mvn -q
 * -DskipTests package -pl examples -am}:
 *
 * <pre>{@code java -cp examples/target/cascade-examples.jar dev.cascade.examples.WriteBehindExample}</pre>
 */
public final class WriteBehindExample {
  private WriteBehindExample() {}

  public static void main(String[] args) throws InterruptedException {
    String uri = args.length > 0 ? args[0] : "redis://localhost:6379";
    RedisClient redis = RedisClient.create(uri);
    Map<Long, Product> database = new ConcurrentHashMap<>(Map.of(7L, new Product(7, "Lamp", 4_900)));
    try (RedisBackend backend = RedisBackend.create(redis);
        Cache<Long, Product> products =
            Cache.<Long, Product>builder("example-wb-products")
                .inMemory(m -> m.maximumSize(10_000))
                .tier(backend.store())
                .valueCodec(JsonCodec.of(Product.class))
                .ttl(Duration.ofMinutes(10))
                .build();
        WriteBehind<Long, Product> writes =
            WriteBehind.builder(backend, "example-products", products)
                .keyCodec(JsonCodec.of(Long.class))
                .valueCodec(JsonCodec.of(Product.class))
                .writer(batch -> saveAll(database, batch)) // an upsert / delete per change, in order
                .build()) {
      // durable in Redis when put returns; the cache has the new value at once
      writes.put(7L, new Product(7, "Lamp", 3_900));
      writes.delete(8L);

      // loads must go through the loader: it returns a queued value before asking the database
      products.invalidate(7L);
      Product lamp = products.get(7L, writes.loader(database::get));
      System.out.println("loaded while queued: " + lamp + " (database still has " + database.get(7L) + ")");
      System.out.println("queue: " + writes.stats());

      writes.start(); // this instance also drains the queue into the database
      while (writes.stats().queueLength() > 0) {
        Thread.sleep(50);
      }
      System.out.println("after the consumer ran, the database has " + database.get(7L));
      System.out.println("queue: " + writes.stats());
    } finally {
      redis.shutdown();
    }
  }

  /** The batch writer: applies each change in order; must be idempotent (delivery is at least once). */
  private static void saveAll(Map<Long, Product> database, List<Change<Long, Product>> batch) {
    for (Change<Long, Product> change : batch) {
      if (change.isDelete()) {
        database.remove(change.key());
      } else {
        database.put(change.key(), change.value());
      }
    }
  }
}
