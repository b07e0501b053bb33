/**
 * HTTP response caching for servlet containers on a Cascade cache: {@link
 * dev.cascade.cache.http.HttpResponseCache} holds the rules and the cache, and its {@link
 * dev.cascade.cache.http.HttpResponseCache#filter() filter} serves {@code GET} and {@code HEAD}
 * responses from it. See docs/http.md.
 */
@NullMarked
package dev.cascade.cache.http;

import org.jspecify.annotations.NullMarked;
