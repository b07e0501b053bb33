package dev.cascade.examples.spring;

import java.util.List;

/**
 * One user's feed; stored in Redis as JSON of this record.
 *
 * @param user whose feed it is
 * @param items what it lists
 */
public record Feed(String user, List<String> items) {}
