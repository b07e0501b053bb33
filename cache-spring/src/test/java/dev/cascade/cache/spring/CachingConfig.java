package dev.cascade.cache.spring;

import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's caching configuration: Spring's caching on, Cascade's key generator as the
 * default (its keys suit a remote tier), and the per-user one for user-specific results. The cache
 * manager and the database are registered by the test.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class CachingConfig implements CachingConfigurer {

  @Override
  public KeyGenerator keyGenerator() {
    return new CascadeKeyGenerator();
  }

  @Bean
  public KeyGenerator perUser() {
    return UserKeyGenerator.of(CurrentUser::get);
  }

  @Bean
  public CachedService cachedService(Database db) {
    return new CachedService(db);
  }
}
