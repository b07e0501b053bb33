package dev.cascade.examples;

import dev.cascade.cache.Cache;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** A cold-key stampede for the examples: many threads get one key from several caches at once. */
final class ConcurrentGets {
  /** Threads per cache. */
  static final int CALLERS_PER_CACHE = 8;

  private ConcurrentGets() {}

  /**
   * Gets {@code id} from each cache on {@link #CALLERS_PER_CACHE} threads released together, loading
   * from {@code database} on a miss, and returns every caller's value.
   */
  static List<Product> of(List<Cache<Long, Product>> caches, long id, SlowDatabase database) {
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Product>> gets = new ArrayList<>();
    for (Cache<Long, Product> cache : caches) {
      for (int i = 0; i < CALLERS_PER_CACHE; i++) {
        CompletableFuture<Product> get = new CompletableFuture<>();
        gets.add(get);
        new Thread(
                () -> {
                  try {
                    start.await();
                    get.complete(cache.get(id, database::findProduct));
                  } catch (InterruptedException | RuntimeException e) {
                    get.completeExceptionally(e);
                  }
                })
            .start();
      }
    }
    start.countDown();
    return gets.stream().map(CompletableFuture::join).toList();
  }
}
