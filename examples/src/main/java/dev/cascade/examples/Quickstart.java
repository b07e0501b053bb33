package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.redis.RedisBackend;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/** A layered cache: Caffeine in this JVM in front of Redis. The first argument is the Redis URI. */
public class Quickstart {
  public record Book(long id, String title) {}

  public static void main(String[] args) {
    RedisClient redis = RedisClient.create(args.length > 0 ? args[0] : "redis://localhost:6379");
    try (RedisBackend backend = RedisBackend.create(redis); // the connections, for every cache
        Cache<Long, Book> books =
            Cache.<Long, Book>builder("quickstart-books")
                .inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofSeconds(30))) // L1
                .tier(backend.store()) // L2: Redis
                .valueCodec(JsonCodec.of(Book.class))
                .ttl(Duration.ofMinutes(10))
                .invalidation(backend.invalidation()) // keeps other instances' L1 coherent
                .build()) {
      books.invalidateAll(); // a clean start for the demo: this cache's keys only

      Book loaded = books.get(7L, id -> new Book(id, "Dune")); // a miss: the loader runs
      Book cached = books.get(7L, id -> new Book(id, "never loaded")); // a hit, from L1
      System.out.println("loaded " + loaded + ", then read " + cached);

      CacheStats stats = books.stats();
      System.out.println("hits " + stats.hitCount() + ", misses " + stats.missCount()
          + ", loads " + stats.loadSuccessCount() + ", tiers " + books.inspect().tierNames());
    } finally {
      redis.shutdown(); // after the cache and the backend
    }
  }
}
