package dev.cascade.cache.spring.boot;

import dev.cascade.cache.Stampede;
import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.spring.CascadeCacheCustomizer;
import dev.cascade.cache.spring.CascadeCacheManager;
import dev.cascade.cache.spring.CascadeCacheSpec;
import dev.cascade.cache.spring.CascadeKeyGenerator;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of Cascade behind Spring's cache abstraction. It registers, each unless the
 * application defines its own:
 *
 * <ul>
 *   <li>a {@link CascadeCacheManager} as the {@code CacheManager} (so Spring Boot's own cache
 *       auto-configuration backs off), built from {@link CascadeProperties} and every {@link
 *       CascadeCacheCustomizer} bean;
 *   <li>when {@code cascade.redis.uri} or {@code cascade.redis.cluster.nodes} is set: Lettuce
 *       {@link ClientResources}, a client and one {@link RedisBackend} (two connections for all
 *       caches), layered under every cache with the invalidation channel and the distributed
 *       stampede lease unless switched off; closed on shutdown, caches first, then the backend,
 *       then the client and its resources;
 *   <li>Cascade's meters ({@code cache.gets}, {@code cache.puts}, per tier as {@code <name>.l1},
 *       {@code <name>.l2}) in the application's {@code MeterRegistry}, if it has one;
 *   <li>a {@link CachingConfigurer} whose default key generator is {@link CascadeKeyGenerator}, if
 *       the application has no {@code CachingConfigurer} of its own and its cache manager is
 *       Cascade's: an application with a {@code CacheManager} bean of another type keeps Spring's
 *       keys. Where that backs off although a Cascade manager is in use (the application's own,
 *       declared as a plain {@code CacheManager} or wrapped), a {@code WARNING} at start-up names
 *       the bean ({@link KeyGeneratorCheck}).
 * </ul>
 *
 * <p>Per-cache settings are checked at start-up: a property under {@code cascade.caches} that binds
 * to no setting of a cache, such as {@code cascade.caches.product.details.ttl} (a cache name with a
 * dot, which Boot reads as cache {@code product}; {@code cascade.caches[product.details].ttl} is
 * meant) or a misspelt setting, fails the start with an {@link IllegalStateException} naming it.
 *
 * <p>Caching itself is switched on by the application, with {@code @EnableCaching}, as with any
 * cache provider.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
    afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnProperty(prefix = "cascade", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(CascadeProperties.class)
public class CascadeAutoConfiguration {

  /** Creates the auto-configuration; Spring Boot does. */
  public CascadeAutoConfiguration() {}

  /**
   * Returns the cache manager: in process, or layered over the Redis backend when there is one.
   */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  public CascadeCacheManager cacheManager(
      CascadeProperties properties,
      Optional<RedisBackend> backend, // not a provider: the manager must be destroyed before it
      ObjectProvider<MeterRegistry> registry,
      ObjectProvider<CascadeCacheCustomizer> customizers,
      Environment environment) {
    CacheSettingsCheck.requireKnownSettings(environment);
    CascadeCacheManager.Builder builder = CascadeCacheManager.builder();
    RedisBackend redis = backend.orElse(null);
    if (redis != null) {
      builder.remote(redis.store());
      if (properties.getRedis().getInvalidation().isEnabled()) {
        builder.invalidation(redis.invalidation());
      }
      if (properties.getRedis().isDistributedStampede()) {
        builder.stampede(Stampede.distributed(redis.stampedeLock()));
      }
    }
    builder.defaults(spec -> defaults(spec, properties));
    properties.getCaches().forEach((name, settings) -> builder.cache(name, spec -> apply(spec, settings)));
    builder.unknownCaches(properties.getUnknownCaches());
    MeterRegistry meters = properties.isMetrics() ? registry.getIfAvailable() : null;
    if (meters != null) {
      builder.customizer(new MetricsCustomizer(meters));
    }
    customizers.orderedStream().forEach(builder::customizer);
    return builder.build();
  }

  /**
   * Cascade's key generator, where Cascade's cache manager is the one in use: not when the
   * application has a {@code CacheManager} of its own (Spring Data Redis's, Caffeine's...), whose
   * keys stay Spring's. The condition looks at the application's bean definitions, which Boot
   * registers before any auto-configuration, and ignores {@code CascadeCacheManager} beans (this
   * class's, or the application's own declared as one), so it holds whatever order Boot processes
   * this class's members in. The condition sees declared types, not instances: an application's
   * {@code @Bean CacheManager} that returns a {@code CascadeCacheManager} counts as a manager of
   * its own, and {@link KeyGeneratorCheck} warns about it once the beans exist.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(value = CacheManager.class, ignored = CascadeCacheManager.class)
  static class KeyGeneration {

    /**
     * Returns the default {@code CachingConfigurer}: Cascade's key generator, whose keys a remote
     * tier can store (Spring's default {@code SimpleKey} cannot be).
     */
    @Bean
    @ConditionalOnMissingBean(CachingConfigurer.class)
    CachingConfigurer cascadeCachingConfigurer() {
      return new CachingConfigurer() {
        @Override
        public KeyGenerator keyGenerator() {
          return new CascadeKeyGenerator();
        }
      };
    }
  }

  /**
   * Returns the start-up check that warns when the key generator backed off although a Cascade
   * manager is in use; registered whatever {@link KeyGeneration}'s condition decided.
   */
  @Bean
  KeyGeneratorCheck cascadeKeyGeneratorCheck(ListableBeanFactory beans) {
    return new KeyGeneratorCheck(beans);
  }

  private static void defaults(CascadeCacheSpec spec, CascadeProperties properties) {
    spec.maximumSize(properties.getLocal().getMaximumSize());
    if (properties.getLocal().getTtl() != null) {
      spec.localTtl(properties.getLocal().getTtl());
    }
    if (properties.getTtl() != null) {
      spec.ttl(properties.getTtl());
    }
    if (properties.getTtlJitter() > 0) {
      spec.ttlJitter(properties.getTtlJitter());
    }
    if (properties.getNullTtl() != null) {
      spec.nullTtl(properties.getNullTtl());
    }
    if (properties.getValueType() != null) {
      spec.valueType(properties.getValueType());
    }
  }

  private static void apply(CascadeCacheSpec spec, CascadeProperties.CacheSettings settings) {
    if (settings.getTtl() != null) {
      spec.ttl(settings.getTtl());
    }
    if (settings.getNullTtl() != null) {
      spec.nullTtl(settings.getNullTtl());
    }
    if (settings.getLocalTtl() != null) {
      spec.localTtl(settings.getLocalTtl());
    }
    if (settings.getMaximumSize() != null) {
      spec.maximumSize(settings.getMaximumSize());
    }
    if (settings.getValueType() != null) {
      spec.valueType(settings.getValueType());
    }
    if (settings.getLayered() != null) {
      spec.layered(settings.getLayered());
    }
    if (!settings.getTags().isEmpty()) {
      spec.tags(settings.getTags().toArray(String[]::new));
    }
  }

  /** The Redis side, when a server is configured. */
  @Configuration(proxyBeanMethods = false)
  @Conditional(RedisConfigured.class)
  static class RedisConfiguration {

    /** Lettuce's event loops and timers for Cascade's client; shut down after the client. */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean(name = "cascadeClientResources")
    ClientResources cascadeClientResources() {
      // Come back quickly after an outage (docs/redis.md).
      return ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
    }

    /** The Lettuce client, standalone / Sentinel or Cluster; shut down after the backend. */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean(name = "cascadeRedisClient")
    AbstractRedisClient cascadeRedisClient(CascadeProperties properties, ClientResources cascadeClientResources) {
      CascadeProperties.Redis redis = properties.getRedis();
      List<String> nodes = redis.getCluster().getNodes();
      if (!nodes.isEmpty()) {
        List<RedisURI> seeds = nodes.stream().map(CascadeAutoConfiguration::nodeUri).toList();
        // Cluster node connections open lazily: keep Lettuce's default disconnected behaviour.
        return RedisClusterClient.create(cascadeClientResources, seeds);
      }
      RedisClient client = RedisClient.create(cascadeClientResources, redis.getUri());
      client.setOptions(
          ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      return client;
    }

    /** The backend that owns the caches' connections; closed after the cache manager. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(name = "cascadeRedisClient")
    RedisBackend cascadeRedisBackend(CascadeProperties properties, AbstractRedisClient cascadeRedisClient) {
      CascadeProperties.Redis redis = properties.getRedis();
      RedisBackend.Builder builder =
          cascadeRedisClient instanceof RedisClusterClient cluster
              ? RedisBackend.builder(cluster)
              : RedisBackend.builder((RedisClient) cascadeRedisClient);
      builder.commandTimeout(redis.getCommandTimeout());
      if (redis.getInvalidation().getChannel() != null) {
        builder.invalidationChannel(redis.getInvalidation().getChannel());
      }
      return builder.build();
    }
  }

  private static RedisURI nodeUri(String node) {
    return node.contains("://") ? RedisURI.create(node) : RedisURI.create("redis://" + node);
  }

  /** Matches when {@code cascade.redis.uri} or {@code cascade.redis.cluster.nodes} is set. */
  static final class RedisConfigured extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      CascadeProperties.Redis redis =
          Binder.get(context.getEnvironment())
              .bind("cascade.redis", CascadeProperties.Redis.class)
              .orElseGet(CascadeProperties.Redis::new);
      return redis.configured()
          ? ConditionOutcome.match("cascade.redis.uri or cascade.redis.cluster.nodes is set")
          : ConditionOutcome.noMatch("neither cascade.redis.uri nor cascade.redis.cluster.nodes is set: in process");
    }
  }
}
