package dev.cascade.cache.spring.boot;

import dev.cascade.cache.spring.CascadeCacheManager;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.support.CompositeCacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheManagerProxy;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A Spring Boot application with the starter on its class path that builds its own Cascade manager
 * and declares the {@code @Bean} as a plain {@code CacheManager}, as an application written before
 * the starter might; with {@code test.wrap=composite} or {@code test.wrap=transaction} it wraps the
 * manager in a {@code CompositeCacheManager} or a {@code TransactionAwareCacheManagerProxy}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class OwnCascadeManagerApp {

  @Bean
  public CacheManager cacheManager(Environment environment) {
    CascadeCacheManager cascade = CascadeCacheManager.builder().cacheNames("pairs").build();
    return switch (environment.getProperty("test.wrap", "none")) {
      case "composite" -> new CompositeCacheManager(cascade);
      case "transaction" -> new TransactionAwareCacheManagerProxy(cascade);
      default -> cascade;
    };
  }

  @Bean
  public OwnCacheManagerApp.Pairs pairs() {
    return new OwnCacheManagerApp.Pairs();
  }
}
