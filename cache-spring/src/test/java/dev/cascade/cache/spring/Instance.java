package dev.cascade.cache.spring;

import dev.cascade.cache.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * One service instance: a real Spring application context ({@link CachingConfig}) whose {@code
 * CacheManager} is a {@link CascadeCacheManager}, plus whatever it must close after the context
 * (a Redis backend, then its client).
 */
final class Instance {
  private final AnnotationConfigApplicationContext context;
  private final List<AutoCloseable> afterContext;

  private Instance(AnnotationConfigApplicationContext context, List<AutoCloseable> afterContext) {
    this.context = context;
    this.afterContext = afterContext;
  }

  /** The caches every test instance has, added to {@code builder} (layered over Redis or not). */
  static CascadeCacheManager.Builder managerBuilder(CascadeCacheManager.Builder builder) {
    return builder
        .defaults(spec -> spec.valueCodec(StringCodec.create()).ttl(Duration.ofMinutes(5)))
        .cache("values", spec -> spec.nullTtl(Duration.ofMinutes(1)))
        .cacheNames("others", "strict", "feed")
        .unknownCaches(CascadeCacheManager.UnknownCaches.REFUSE);
  }

  /** Starts an instance on {@code manager}; {@code afterContext} is closed, in order, after it. */
  static Instance start(Database db, CascadeCacheManager manager, AutoCloseable... afterContext) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.registerBean(Database.class, () -> db);
    context.registerBean("cacheManager", CacheManager.class, () -> manager);
    context.register(CachingConfig.class);
    context.refresh();
    return new Instance(context, new ArrayList<>(List.of(afterContext)));
  }

  CachedService service() {
    return context.getBean(CachedService.class);
  }

  CascadeCacheManager manager() {
    return (CascadeCacheManager) context.getBean(CacheManager.class);
  }

  /** Closes the context, then what it used. */
  void stop() throws Exception {
    context.close();
    for (AutoCloseable closeable : afterContext) {
      closeable.close();
    }
  }
}
