package dev.cascade.cache.spring.boot;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

/** A Spring Boot application with the starter on its class path and one cached service. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class StarterApp {

  @Bean
  public Greetings greetings() {
    return new Greetings();
  }

  /** Cached greetings; counts how often the method really runs. */
  public static class Greetings {
    private final AtomicInteger calls = new AtomicInteger();

    /** How often {@link #greet} ran (a method: the bean is a proxy, its fields are not the target's). */
    public int calls() {
      return calls.get();
    }

    @Cacheable("greetings")
    public String greet(String name) {
      calls.incrementAndGet();
      return "hello " + name;
    }

    @CacheEvict("greetings")
    public void forget(String name) {}
  }
}
