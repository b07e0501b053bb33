package dev.cascade.examples.spring;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The catalog service: its "database" is a few lines of code that count their queries, so the
 * effect of each annotation can be seen at {@code /stats}. Thread-safe.
 */
@Service
public class Catalog {
  private final AtomicInteger queries = new AtomicInteger();

  /** Returns a product, cached with its category as a tag; {@code null} (cached too) if there is none. */
  @Cacheable(
      cacheNames = "products",
      key = "T(dev.cascade.cache.spring.CascadeKeys).tagged(#id, 'category:' + (#id % 3))",
      sync = true)
  public @Nullable Product product(long id) {
    queries.incrementAndGet();
    return id > 1_000 ? null : new Product(id, "product " + id, id % 3);
  }

  /** Renames a product: the database first, then the cache, in every instance. */
  @CachePut(
      cacheNames = "products",
      key = "T(dev.cascade.cache.spring.CascadeKeys).tagged(#id, 'category:' + (#id % 3))")
  public Product rename(long id, String name) {
    queries.incrementAndGet();
    return new Product(id, name, id % 3);
  }

  /** Drops every cached product of a category, in every instance. */
  @CacheEvict(cacheNames = "products", key = "T(dev.cascade.cache.spring.CascadeKeys).tag('category:' + #categoryId)")
  public void categoryChanged(long categoryId) {}

  /** Drops every cached product. */
  @CacheEvict(cacheNames = "products", allEntries = true)
  public void reload() {}

  /**
   * Returns the calling user's feed: the user is not an argument, the key generator takes it from
   * the request, so no user is ever served another's feed; loaded once per user however many
   * requests ask at once.
   */
  @Cacheable(cacheNames = "feed", keyGenerator = "perUser", sync = true)
  public Feed feed() {
    queries.incrementAndGet();
    String user = Caller.name();
    return new Feed(user, java.util.List.of("news for " + user, "offers for " + user));
  }

  /** Returns how many database queries ran. */
  public int queries() {
    return queries.get();
  }
}
