package dev.cascade.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cascade.cache.spring.CascadeCache;
import dev.cascade.cache.spring.CascadeCacheManager;
import dev.cascade.cache.spring.CascadeKeyGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint;
import org.springframework.boot.micrometer.metrics.actuate.endpoint.MetricsEndpoint;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The starter in a Spring Boot application on the embedded default (no Redis configured). */
class CascadeStarterTest {

  @Test
  void properties_bind_andShapeTheCaches() {
    try (ConfigurableApplicationContext app =
        StarterContexts.start(
            "cascade.local.maximum-size=500",
            "cascade.ttl=10m",
            "cascade.null-ttl=30s",
            "cascade.unknown-caches=refuse",
            "cascade.caches.greetings.ttl=1m",
            "cascade.caches.greetings.tags=greeting,public",
            "cascade.caches.feed.value-type=java.lang.String")) {
      CascadeProperties properties = app.getBean(CascadeProperties.class);
      assertThat(properties.getLocal().getMaximumSize()).isEqualTo(500);
      assertThat(properties.getTtl()).isEqualTo(Duration.ofMinutes(10));
      assertThat(properties.getNullTtl()).isEqualTo(Duration.ofSeconds(30));
      assertThat(properties.getUnknownCaches()).isEqualTo(CascadeCacheManager.UnknownCaches.REFUSE);
      assertThat(properties.getCaches().get("greetings").getTtl()).isEqualTo(Duration.ofMinutes(1));
      assertThat(properties.getCaches().get("greetings").getTags()).containsExactly("greeting", "public");
      assertThat(properties.getCaches().get("feed").getValueType()).isEqualTo(String.class);

      CascadeCacheManager manager = (CascadeCacheManager) app.getBean(CacheManager.class);
      assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("greetings", "feed");
      assertThat(manager.getCache("unknown")).isNull(); // refused
      CascadeCache greetings = manager.getCache("greetings");
      assertThat(greetings.cachesNulls()).isTrue(); // cascade.null-ttl reached the cache
      assertThat(greetings.getNativeCache().inspect().hasRemoteTier()).isFalse();
    }
  }

  @Test
  void cacheManager_isCascades_andServesCacheable() {
    try (ConfigurableApplicationContext app = StarterContexts.start()) {
      assertThat(app.getBean(CacheManager.class)).isInstanceOf(CascadeCacheManager.class);
      assertThat(app.getBean(CachingConfigurer.class).keyGenerator()).isInstanceOf(CascadeKeyGenerator.class);
      StarterApp.Greetings greetings = app.getBean(StarterApp.Greetings.class);
      assertThat(greetings.greet("ada")).isEqualTo("hello ada");
      assertThat(greetings.greet("ada")).isEqualTo("hello ada");
      assertThat(greetings.calls()).isEqualTo(1);
      greetings.forget("ada");
      greetings.greet("ada");
      assertThat(greetings.calls()).isEqualTo(2);
    }
  }

  @Test
  void ownCacheManager_noCascadeKeyGenerator_springsSimpleKeys() {
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(OwnCacheManagerApp.class)
            .web(WebApplicationType.NONE)
            .properties(StarterContexts.ACTUATOR.toArray(String[]::new))
            .run()) {
      assertThat(app.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
      assertThat(app.getBeansOfType(CachingConfigurer.class)).isEmpty();
      assertThat(app.getBeansOfType(CascadeCacheManager.class)).isEmpty();

      app.getBean(OwnCacheManagerApp.Pairs.class).join("a", "b");

      ConcurrentMapCache pairs = (ConcurrentMapCache) app.getBean(CacheManager.class).getCache("pairs");
      assertThat(pairs.getNativeCache().keySet()).containsExactly(new SimpleKey("a", "b"));
    }
  }

  @Test
  void cacheSettings_cacheNameWithDots_bindsInBrackets() {
    try (ConfigurableApplicationContext app = StarterContexts.start("cascade.caches[product.details].ttl=1m")) {
      CascadeProperties properties = app.getBean(CascadeProperties.class);
      assertThat(properties.getCaches()).containsOnlyKeys("product.details");
      assertThat(properties.getCaches().get("product.details").getTtl()).isEqualTo(Duration.ofMinutes(1));
      assertThat(app.getBean(CacheManager.class).getCacheNames()).containsExactly("product.details");
    }
  }

  @Test
  void cacheSettings_cacheNameWithDotsWithoutBrackets_failsStartNamingTheProperty() {
    Throwable failure = catchThrowable(() -> StarterContexts.start("cascade.caches.product.details.ttl=1m").close());
    assertThat(ownFailure(failure))
        .hasMessageContaining("cascade.caches.product.details.ttl")
        .hasMessageContaining("cascade.caches[product.details].ttl");
  }

  @Test
  void cacheSettings_unknownSetting_failsStartNamingIt() {
    Throwable failure = catchThrowable(() -> StarterContexts.start("cascade.caches.feed.tll=1m").close());
    assertThat(ownFailure(failure)).hasMessageContaining("cascade.caches.feed.tll").hasMessageContaining("null-ttl");
  }

  /** The starter's {@code IllegalStateException} among the causes of a failed start. */
  private static Throwable ownFailure(Throwable failure) {
    assertThat(failure).as("the start failed").isNotNull();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof IllegalStateException && String.valueOf(cause.getMessage()).startsWith("cascade.caches")) {
        return cause;
      }
    }
    throw new AssertionError("no IllegalStateException about cascade.caches in", failure);
  }

  /**
   * {@code CASCADE_CACHES_FEED_NULL_TTL} reads as {@code cascade.caches.feed.null.ttl}: the failure
   * says how to write the setting {@code null-ttl} of cache {@code feed}, not only the bracket form
   * of a cache {@code feed.null}.
   */
  @Test
  void cacheSettings_environmentVariableWithTheSettingsWordsSplit_failsStartSayingHowToWriteIt() {
    Throwable failure = catchThrowable(() -> startWithEnvironment(Map.of("CASCADE_CACHES_FEED_NULL_TTL", "5s")).close());

    assertThat(ownFailure(failure))
        .hasMessageContaining("cascade.caches.feed.null.ttl")
        .hasMessageContaining("CASCADE_CACHES_FEED_NULLTTL")
        .hasMessageContaining("cascade.caches.feed.null-ttl");
  }

  private static ConfigurableApplicationContext startWithEnvironment(Map<String, Object> variables) {
    return new SpringApplicationBuilder(StarterApp.class)
        .web(WebApplicationType.NONE)
        .properties(StarterContexts.ACTUATOR.toArray(String[]::new))
        .initializers(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
        .run();
  }

  @Test
  void cacheSettings_fromEnvironmentVariables_bind() {
    Map<String, Object> variables = Map.of("CASCADE_CACHES_FEED_TTL", "1m", "CASCADE_CACHES_FEED_NULLTTL", "5s");
    try (ConfigurableApplicationContext app = startWithEnvironment(variables)) {
      CascadeProperties.CacheSettings feed = app.getBean(CascadeProperties.class).getCaches().get("feed");
      assertThat(feed.getTtl()).isEqualTo(Duration.ofMinutes(1));
      assertThat(feed.getNullTtl()).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void actuator_listsCaches_andCacheGetsMeters() {
    try (ConfigurableApplicationContext app = StarterContexts.start("cascade.caches.greetings.ttl=1m")) {
      StarterApp.Greetings greetings = app.getBean(StarterApp.Greetings.class);
      greetings.greet("ada");
      greetings.greet("ada");

      CachesEndpoint caches = app.getBean(CachesEndpoint.class);
      assertThat(caches.caches().getCacheManagers().get("cacheManager").getCaches())
          .containsKey("greetings");
      assertThat(caches.cache("greetings", null).getTarget()).startsWith("dev.cascade.cache."); // Cascade's cache

      MetricsEndpoint metrics = app.getBean(MetricsEndpoint.class);
      MetricsEndpoint.MetricDescriptor gets = metrics.metric("cache.gets", List.of("cache:greetings"));
      assertThat(gets).isNotNull();
      assertThat(gets.getMeasurements().get(0).getValue()).isEqualTo(2.0);
      MetricsEndpoint.MetricDescriptor hits = metrics.metric("cache.gets", List.of("cache:greetings", "result:hit"));
      assertThat(hits.getMeasurements().get(0).getValue()).isEqualTo(1.0);
      assertThat(metrics.listNames().getNames()).contains("cache.gets", "cache.puts");
    }
  }

  @Test
  void enabledFalse_backsOff() {
    try (ConfigurableApplicationContext app = StarterContexts.start("cascade.enabled=false")) {
      assertThat(app.getBean(CacheManager.class)).isNotInstanceOf(CascadeCacheManager.class);
    }
  }
}
