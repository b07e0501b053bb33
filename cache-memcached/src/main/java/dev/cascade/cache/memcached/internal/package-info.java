/**
 * The meta-protocol client behind the Memcached tier: connections, pipelining, reconnects, the
 * ketama ring and wire keys. Internal: not API; may change without notice.
 */
@NullMarked
package dev.cascade.cache.memcached.internal;

import org.jspecify.annotations.NullMarked;
