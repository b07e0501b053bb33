/** A runnable plain-Jetty example of cache-http, and its benchmark. Not published. */
@NullMarked
package dev.cascade.examples.http;

import org.jspecify.annotations.NullMarked;
