package dev.cascade.examples;

/** A product of the demo's catalogue, as the database returns it. */
record Product(long id, String name, long priceCents) {}
