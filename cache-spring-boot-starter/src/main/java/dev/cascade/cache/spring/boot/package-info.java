/**
 * Spring Boot auto-configuration of Cascade: {@link
 * dev.cascade.cache.spring.boot.CascadeAutoConfiguration} registers a {@link
 * dev.cascade.cache.spring.CascadeCacheManager} configured by the {@code cascade.*} properties
 * ({@link dev.cascade.cache.spring.boot.CascadeProperties}), layered over Redis when {@code
 * cascade.redis.uri} or {@code cascade.redis.cluster.nodes} is set, with Cascade's meters in the
 * application's {@code MeterRegistry}. See docs/spring.md.
 */
@NullMarked
package dev.cascade.cache.spring.boot;

import org.jspecify.annotations.NullMarked;
