package dev.cascade.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.spring.CascadeCacheManager;
import dev.cascade.cache.testkit.LogCapture;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The start-up warning of an application whose Cascade manager the starter cannot see when it
 * decides on the key generator. Listens where {@code System.Logger} goes without another backend,
 * {@code java.util.logging} (Boot bridges its root to SLF4J; a handler on our logger still sees
 * every record).
 */
class KeyGeneratorCheckTest {
  private LogCapture log;

  @BeforeEach
  void listen() {
    log = LogCapture.of("dev.cascade.cache.spring.boot");
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  @Test
  void cascadeManagerDeclaredAsCacheManager_warnsNamingTheBeanAndTheRemedy() {
    try (ConfigurableApplicationContext app = start(OwnCascadeManagerApp.class)) {
      assertThat(app.getBean(CacheManager.class)).isInstanceOf(CascadeCacheManager.class);
      assertThat(app.getBeansOfType(CachingConfigurer.class)).as("the key generator backed off").isEmpty();
    }
    assertThat(warnings())
        .singleElement()
        .satisfies(
            message ->
                assertThat(message)
                    .contains("'cacheManager'")
                    .contains("SimpleKey")
                    .contains("return type CascadeCacheManager")
                    .contains("CachingConfigurer"));
  }

  @ParameterizedTest
  @CsvSource({
    "composite, org.springframework.cache.support.CompositeCacheManager",
    "transaction, org.springframework.cache.transaction.TransactionAwareCacheManagerProxy"
  })
  void wrappedCascadeManager_warnsNamingTheBeanAndACache(String wrap, Class<?> wrapper) {
    try (ConfigurableApplicationContext app = start(OwnCascadeManagerApp.class, "test.wrap=" + wrap)) {
      assertThat(app.getBean(CacheManager.class)).isInstanceOf(wrapper);
    }
    assertThat(warnings())
        .singleElement()
        .satisfies(message -> assertThat(message).contains("'cacheManager'").contains("'pairs'").contains("CachingConfigurer"));
  }

  @Test
  void defaultContext_noWarning() {
    try (ConfigurableApplicationContext app = start(StarterApp.class)) {
      assertThat(app.getBean(CacheManager.class)).isInstanceOf(CascadeCacheManager.class);
    }
    assertThat(warnings()).isEmpty();
  }

  @Test
  void ownOtherCacheManager_noWarning() {
    try (ConfigurableApplicationContext app = start(OwnCacheManagerApp.class)) {
      assertThat(app.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
    }
    assertThat(warnings()).isEmpty();
  }

  private static ConfigurableApplicationContext start(Class<?> application, String... properties) {
    return new SpringApplicationBuilder(application)
        .web(WebApplicationType.NONE)
        .properties(StarterContexts.ACTUATOR.toArray(String[]::new))
        .properties(properties)
        .run();
  }

  private List<String> warnings() {
    return log.messagesAt(Level.WARNING);
  }
}
