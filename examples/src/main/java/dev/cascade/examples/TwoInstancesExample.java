package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.redis.RedisInvalidation;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * Two instances of one service side by side, each with its own in-process L1 in front of a shared
 * Redis, kept coherent by {@link RedisInvalidation}: an update on one is visible on the other as
 * soon as the update returns. Needs a Redis (first argument, default {@code redis://localhost:6379}).
 *
 * <pre>{@code java -cp examples/target/cascade-examples.jar dev.cascade.examples.TwoInstancesExample}</pre>
 */
public final class TwoInstancesExample {
  private TwoInstancesExample() {}

  /** One service instance: its own Redis client, backend (its connections and channel) and L1. */
  private static final class Instance implements AutoCloseable {
    final RedisClient client;
    final RedisBackend backend;
    final Cache<Long, Product> products;

    Instance(String uri) {
      client = RedisClient.create(uri);
      backend = RedisBackend.create(client);
      products =
          Cache.<Long, Product>builder("two-instances")
              .inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofMinutes(1)))
              .tier(backend.store())
              .valueCodec(JsonCodec.of(Product.class))
              .ttl(Duration.ofMinutes(10))
              .invalidation(backend.invalidation())
              .build();
    }

    @Override
    public void close() {
      products.close(); // caches first, then the backend that serves them, then the client
      backend.close();
      client.shutdown();
    }
  }

  public static void main(String[] args) {
    String uri = args.length > 0 ? args[0] : "redis://localhost:6379";
    try (Instance a = new Instance(uri);
        Instance b = new Instance(uri)) {
      a.products.put(1L, new Product(1, "Lamp", 2_500));
      System.out.println("B reads (and keeps in its L1): " + b.products.getIfPresent(1L));
      System.out.println("B reads again, from its L1:    " + b.products.getIfPresent(1L));

      long start = System.nanoTime();
      a.products.put(1L, new Product(1, "Lamp", 1_999)); // a price change on instance A
      long micros = (System.nanoTime() - start) / 1_000;
      System.out.println("A updated the price in " + micros + " us (write + B's acknowledgement)");
      System.out.println("B reads right after:           " + b.products.getIfPresent(1L));

      a.products.invalidate(1L);
      System.out.println("after A invalidates, B reads:  " + b.products.getIfPresent(1L));
      System.out.println("B received " + b.products.stats().invalidationsReceivedCount() + " invalidations from A");
    }
  }
}
