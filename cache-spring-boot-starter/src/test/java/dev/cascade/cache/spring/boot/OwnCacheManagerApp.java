package dev.cascade.cache.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with the starter on its class path that brings a {@code CacheManager} of
 * its own (as one with its own {@code RedisCacheManager} or {@code CaffeineCacheManager} would).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class OwnCacheManagerApp {

  @Bean
  public CacheManager cacheManager() {
    return new ConcurrentMapCacheManager("pairs"); // a static cache: the start-up check walks it
  }

  @Bean
  public Pairs pairs() {
    return new Pairs();
  }

  /** A cached method of two parameters, whose key shows which key generator made it. */
  public static class Pairs {
    @Cacheable("pairs")
    public String join(String first, String second) {
      return first + second;
    }
  }
}
