package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.memcached.MemcachedBackend;
import dev.cascade.cache.memcached.MemcachedConfig;
import dev.cascade.cache.memcached.MemcachedServerStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Cascade on Memcached: two service instances (each with its own {@link MemcachedBackend}, as two
 * processes would have) share a pool of memcached servers, with an in-process L1, tags, bulk loads
 * and the server's own leases against stampedes. The servers are the arguments ({@code host:port
 * ...}; default {@code localhost:11211}). Run after {@code mvn -q -DskipTests package -pl examples
 * -am}:
 *
 * <pre>{@code java -cp examples/target/cascade-examples.jar dev.cascade.examples.MemcachedExample}</pre>
 */
public final class MemcachedExample {
  private MemcachedExample() {}

  public static void main(String[] args) {
    String[] servers = args.length > 0 ? args : new String[] {"localhost:11211"};
    MemcachedConfig config =
        MemcachedConfig.builder()
            .servers(servers)
            .commandTimeout(Duration.ofMillis(200)) // a cache must answer fast or not at all
            .build();
    SlowDatabase database = new SlowDatabase(Duration.ofMillis(20));
    // One backend per service instance, however many caches it has; closed after its caches
    // (try-with-resources closes in reverse order).
    try (MemcachedBackend backendA = MemcachedBackend.create(config);
        MemcachedBackend backendB = MemcachedBackend.create(config);
        Cache<Long, Product> instanceA = products(backendA);
        Cache<Long, Product> instanceB = products(backendB)) {
      instanceA.invalidateAll(); // one write per server: a new namespace version

      List<Product> got = ConcurrentGets.of(List.of(instanceA, instanceB), 11L, database);
      System.out.println(got.size() + " concurrent gets of product 11 on A and B; database queries: "
          + database.queryCount() + " (the server's lease lets one load, the others wait for its value)");

      long before = database.queryCount();
      Product lamp = instanceA.get(7L, database::findProduct);
      System.out.println("A loaded      " + lamp + " (database queries: " + (database.queryCount() - before) + ")");
      System.out.println("B reads       " + instanceB.get(7L, database::findProduct) + " from memcached"
          + " (database queries: " + (database.queryCount() - before) + ")");

      instanceB.put(8L, new Product(8, "Desk", 15_000), Duration.ofMinutes(5), "category:furniture");
      System.out.println("A reads       " + instanceA.getIfPresent(8L) + " written by B");
      instanceA.invalidateTag("category:furniture");
      System.out.println("after tag invalidation A reads " + instanceA.getIfPresent(8L));

      before = database.queryCount();
      Map<Long, Product> some = instanceB.getAll(List.of(7L, 9L, 10L), database::findProducts);
      System.out.println("B bulk-loaded " + some.keySet() + "; database queries: " + (database.queryCount() - before)
          + " (for 9 and 10: 7 was cached)");
      System.out.println("A stats       " + instanceA.stats());
      System.out.println("A's backend   " + backendA.connectionCount() + " connection(s), for any number of caches");
      for (MemcachedServerStats server : backendA.stats().join()) {
        System.out.println("server        " + server);
      }
    }
  }

  // Every cache of an instance takes a tier and the stampede lock from that instance's backend.
  private static Cache<Long, Product> products(MemcachedBackend memcached) {
    return Cache.<Long, Product>builder("example-products")
        .inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofSeconds(30)))
        .tier(memcached.tier())
        .valueCodec(JsonCodec.of(Product.class))
        .ttl(Duration.ofMinutes(10))
        .ttlJitter(0.1)
        .stampede(Stampede.distributed(memcached.stampedeLock()))
        .build();
  }
}
