package dev.cascade.cache.spring;

import java.util.concurrent.CompletableFuture;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;

/** A service whose methods carry Spring's caching annotations; each call is counted by the database. */
public class CachedService {
  private final Database db;

  public CachedService(Database db) {
    this.db = db;
  }

  @Cacheable("values")
  public String get(String id) {
    return db.read("get", id);
  }

  @Cacheable(cacheNames = "values", key = "'sync:' + #id", sync = true)
  public String getSync(String id) {
    return db.read("getSync", id);
  }

  @CachePut(cacheNames = "values", key = "#id")
  public String update(String id, String value) {
    db.write(id, value);
    return value;
  }

  @CacheEvict("values")
  public void evict(String id) {
    db.count("evict");
  }

  @CacheEvict(cacheNames = "values", beforeInvocation = true)
  public void evictBefore(String id) {
    db.count("evictBefore");
  }

  @CacheEvict(cacheNames = "values", allEntries = true)
  public void evictAll() {
    db.count("evictAll");
  }

  @Cacheable("others")
  public String other(String id) {
    return db.read("other", id);
  }

  @Caching(
      cacheable = {
        @Cacheable(cacheNames = "values", key = "'both:' + #id"),
        @Cacheable(cacheNames = "others", key = "'both:' + #id")
      })
  public String both(String id) {
    return db.read("both", id);
  }

  @Caching(evict = @CacheEvict(cacheNames = "values", key = "'both:' + #id"))
  public void evictBothFromValues(String id) {}

  @Caching(
      evict = {
        @CacheEvict(cacheNames = "values", key = "'both:' + #id"),
        @CacheEvict(cacheNames = "others", key = "'both:' + #id")
      })
  public void evictBoth(String id) {}

  @Cacheable(
      cacheNames = "values",
      key = "'cond:' + #id",
      condition = "#id.length() < 8",
      unless = "#result.startsWith('v:nocache')")
  public String conditional(String id) {
    return db.read("conditional", id);
  }

  @Cacheable(cacheNames = "values", key = "'find:' + #id")
  public String find(String id) {
    return db.read("find", id);
  }

  @Cacheable(cacheNames = "values", key = "'findSync:' + #id", sync = true)
  public String findSync(String id) {
    return db.read("findSync", id);
  }

  @Cacheable(cacheNames = "strict", key = "'find:' + #id")
  public String findStrict(String id) {
    return db.read("findStrict", id);
  }

  @Cacheable(cacheNames = "strict", key = "'unless:' + #id", unless = "#result == null")
  public String findStrictUnlessNull(String id) {
    return db.read("findStrictUnlessNull", id);
  }

  @Cacheable(cacheNames = "values", key = "'async:' + #id")
  public CompletableFuture<String> getAsync(String id) {
    return CompletableFuture.supplyAsync(() -> db.read("getAsync", id));
  }

  @Cacheable(cacheNames = "values", key = "'asyncSync:' + #id", sync = true)
  public CompletableFuture<String> getAsyncSync(String id) {
    return CompletableFuture.supplyAsync(() -> db.read("getAsyncSync", id));
  }

  @Cacheable(cacheNames = "values", key = "'hot:' + #id", sync = true)
  public String hot(String id) {
    return db.read("hot", id);
  }

  @Cacheable(
      cacheNames = "values",
      key = "T(dev.cascade.cache.spring.CascadeKeys).tagged('item:' + #id, 'group:' + #group)")
  public String inGroup(String id, String group) {
    return db.read("inGroup", id);
  }

  @CacheEvict(cacheNames = "values", key = "T(dev.cascade.cache.spring.CascadeKeys).tag('group:' + #group)")
  public void evictGroup(String group) {}

  @Cacheable(cacheNames = "feed", keyGenerator = "perUser", sync = true)
  public String feed() {
    String user = CurrentUser.get();
    db.count("feed:" + user);
    return "feed of " + user;
  }
}
