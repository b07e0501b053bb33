package dev.cascade.examples.spring;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The HTTP endpoints of the example; the caller is named by the {@code X-User} header ({@link Caller}). */
@RestController
public class CatalogController {
  private final Catalog catalog;

  public CatalogController(Catalog catalog) {
    this.catalog = catalog;
  }

  @GetMapping("/products/{id}")
  public ResponseEntity<Product> product(@PathVariable long id) {
    Product product = catalog.product(id);
    return product == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(product);
  }

  @PostMapping("/products/{id}/name")
  public Product rename(@PathVariable long id, @RequestParam String name) {
    return catalog.rename(id, name);
  }

  @PostMapping("/categories/{id}/changed")
  public void categoryChanged(@PathVariable long id) {
    catalog.categoryChanged(id);
  }

  @PostMapping("/products/reload")
  public void reload() {
    catalog.reload();
  }

  @GetMapping("/feed")
  public ResponseEntity<Feed> feed() {
    return Caller.name() == null ? ResponseEntity.status(401).build() : ResponseEntity.ok(catalog.feed());
  }

  @GetMapping("/stats")
  public Map<String, Integer> stats() {
    return Map.of("queries", catalog.queries());
  }
}
