/**
 * Cascade behind Spring's cache abstraction: {@link dev.cascade.cache.spring.CascadeCacheManager}
 * (a {@code CacheManager}), {@link dev.cascade.cache.spring.CascadeCache} (a Spring {@code Cache}
 * over one Cascade cache), key generators that give keys a remote tier can store ({@link
 * dev.cascade.cache.spring.CascadeKeyGenerator}, the per-user {@link
 * dev.cascade.cache.spring.UserKeyGenerator}) and tags from annotations ({@link
 * dev.cascade.cache.spring.CascadeKeys}). See docs/spring.md.
 */
@NullMarked
package dev.cascade.cache.spring;

import org.jspecify.annotations.NullMarked;
