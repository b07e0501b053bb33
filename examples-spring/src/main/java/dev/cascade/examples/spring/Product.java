package dev.cascade.examples.spring;

/**
 * A product of the catalog; stored in Redis as JSON of this record.
 *
 * @param id the product's id
 * @param name its name
 * @param categoryId the category it is listed in
 */
public record Product(long id, String name, long categoryId) {}
