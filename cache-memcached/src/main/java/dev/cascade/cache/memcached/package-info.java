/** Cascade's memcached module; its issue has not landed yet, so it holds nothing but this page. */
@NullMarked
package dev.cascade.cache.memcached;

import org.jspecify.annotations.NullMarked;
