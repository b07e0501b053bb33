/**
 * A small Spring Boot web service cached with Cascade's starter: in process by default, layered over
 * Redis when {@code REDIS_URL} is set. Not API.
 */
@NullMarked
package dev.cascade.examples.spring;

import org.jspecify.annotations.NullMarked;
