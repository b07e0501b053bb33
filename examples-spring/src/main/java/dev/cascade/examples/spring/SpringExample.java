package dev.cascade.examples.spring;

import dev.cascade.cache.spring.UserKeyGenerator;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot web service cached with Cascade's starter: in process by default; with {@code
 * REDIS_URL} set (e.g. {@code redis://localhost:6390}), layered over that Redis, with in-process
 * copies kept coherent across instances. Settings are in {@code application.properties}.
 */
@SpringBootApplication
@EnableCaching
public class SpringExample {

  /** Starts the service; {@code REDIS_URL} becomes {@code cascade.redis.uri}. */
  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(SpringExample.class);
    String redis = System.getenv("REDIS_URL");
    if (redis != null && !redis.isBlank()) {
      application.setDefaultProperties(Map.of("cascade.redis.uri", redis));
    }
    application.run(args);
  }

  /** Puts the caller (the X-User header here; with Spring Security, the authentication's name) into every key. */
  @Bean
  public KeyGenerator perUser() {
    return UserKeyGenerator.of(Caller::name);
  }
}
