package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.MemoKey;
import dev.cascade.cache.redis.Change;
import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.redis.RedisTier;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.spi.TierDecorator;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the docs' Java snippets use without declaring it, as a reader's service would have it: the
 * repository, the value types, a cache or two, a store, a registry. Each compiled snippet extends
 * this class ({@link SnippetCompiler}); snippets are compiled, never run, so nothing here is ever
 * set. Add a name here only when a snippet would be longer, not clearer, for declaring it.
 */
@SuppressWarnings({"unused", "NullAway"})
abstract class DocContext {
  /** A user row, as the reader's service has it. */
  record User(long id, String name) {}

  /** The reader's data access: blocking and asynchronous. */
  interface Repository {
    User findUser(Long id);

    Map<Long, User> findUsers(Set<Long> ids);

    CompletableFuture<User> findUserAsync(Long id);

    CompletableFuture<Map<Long, User>> findUsersAsync(Set<Long> ids);

    Product find(String tenant, long productId);

    void save(Product product);

    void delete(Long id);

    CompletableFuture<Void> saveAsync(Product product);

    CompletableFuture<Void> deleteAsync(Long id);
  }

  /** A repository of products by id, for method references. */
  interface ProductRepository {
    Product find(Long id);
  }

  protected Repository repository;
  protected ProductRepository repo;
  protected User user;
  protected User other;
  protected User third;
  protected List<Long> ids;
  protected Long id;
  protected Product product;
  protected Product lamp;
  protected Product desk;
  protected String tenantId;
  protected Cache<Long, User> users;
  protected Cache<Long, Product> products;
  protected Cache<String, String> cache;
  protected Cache<MemoKey, Product> memoCache;
  protected RemoteStore store;
  protected StampedeLock lock;
  protected TierDecorator tracing;
  protected TierDecorator timing;
  protected MeterRegistry registry;
  protected MeterRegistry meterRegistry;
  protected RedisBackend backend;
  protected RedisTier redisTier;
  protected String uri;
  protected Map<Long, Product> database;
  protected int callers;

  protected BigInteger fibonacci(Integer n) {
    throw new UnsupportedOperationException();
  }

  protected String loadOnce(String key) {
    throw new UnsupportedOperationException();
  }

  protected void saveAll(Map<Long, Product> database, List<Change<Long, Product>> batch) {
    throw new UnsupportedOperationException();
  }
}
