package dev.cascade.cache.spring.boot;

import dev.cascade.cache.spring.CascadeCacheManager;
import dev.cascade.cache.spring.CascadeKeyGenerator;
import java.lang.System.Logger.Level;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;

/**
 * The start-up check that makes a backed-off key generator loud. The starter registers {@link
 * CascadeKeyGenerator} only when its condition, evaluated on bean definitions before any bean
 * exists, finds no {@code CacheManager} other than a {@code CascadeCacheManager}; a Cascade manager
 * declared as a plain {@code CacheManager}, or wrapped in a {@code CompositeCacheManager} or {@code
 * TransactionAwareCacheManagerProxy}, looks like any other there, and one beside another manager
 * makes it back off as well. Once the singletons exist this check looks at the instances: if no
 * {@code CachingConfigurer} chooses the keys and a {@code CacheManager} bean is a {@code
 * CascadeCacheManager}, or lists a cache whose native cache is a Cascade cache (the wrappers have
 * no getter for their target, but their caches forward {@code getNativeCache}), it logs a {@code
 * WARNING} naming the bean: the methods get Spring's {@code SimpleKey}, which a layered cache
 * refuses. A wrapped Cascade manager that lists no cache at start-up (every cache created on first
 * use) is not seen. Runs once, on the thread that refreshes the context.
 */
final class KeyGeneratorCheck implements SmartInitializingSingleton {
  private static final System.Logger LOG = System.getLogger("dev.cascade.cache.spring.boot");

  private final ListableBeanFactory beans;

  KeyGeneratorCheck(ListableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public void afterSingletonsInstantiated() {
    // Ours, or the application's: either way the keys are chosen on purpose.
    if (!beans.getBeansOfType(CachingConfigurer.class, false, false).isEmpty()) {
      return;
    }
    for (Map.Entry<String, CacheManager> bean : beans.getBeansOfType(CacheManager.class, false, false).entrySet()) {
      String name = bean.getKey();
      if (bean.getValue() instanceof CascadeCacheManager) {
        LOG.log(
            Level.WARNING,
            "CacheManager bean '" + name + "' is a CascadeCacheManager, but the starter did not register"
                + " CascadeKeyGenerator (its @Bean method declares another return type, or the application"
                + " has another CacheManager bean): cached methods get Spring's SimpleKey, which a layered"
                + " Cascade cache refuses for a method of no or several parameters. Declare the @Bean"
                + " method with return type CascadeCacheManager, or register CascadeKeyGenerator in a"
                + " CachingConfigurer (docs/spring.md)");
        continue;
      }
      String cascadeCache = cascadeCache(bean.getValue());
      if (cascadeCache != null) {
        LOG.log(
            Level.WARNING,
            "CacheManager bean '" + name + "' serves Cascade's cache '" + cascadeCache + "' but is no"
                + " CascadeCacheManager (a wrapper such as CompositeCacheManager), so the starter did not"
                + " register CascadeKeyGenerator: cached methods get Spring's SimpleKey, which a layered"
                + " Cascade cache refuses for a method of no or several parameters. Register"
                + " CascadeKeyGenerator in a CachingConfigurer (docs/spring.md)");
      }
    }
  }

  /** The name of the first cache {@code manager} lists that is Cascade's, or null. */
  private static @Nullable String cascadeCache(CacheManager manager) {
    try {
      for (String name : manager.getCacheNames()) {
        Cache cache = manager.getCache(name);
        if (cache != null && cache.getNativeCache() instanceof dev.cascade.cache.Cache<?, ?>) {
          return name;
        }
      }
    } catch (RuntimeException e) {
      // A diagnostic must not fail the start; a manager that cannot list its caches is not judged.
      LOG.log(Level.DEBUG, "could not list the caches of " + manager, e);
    }
    return null;
  }
}
