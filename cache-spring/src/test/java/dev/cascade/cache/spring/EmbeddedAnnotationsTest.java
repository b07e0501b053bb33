package dev.cascade.cache.spring;

/** {@link AnnotationsContract} on the embedded default: in-process caches, one instance. */
class EmbeddedAnnotationsTest extends AnnotationsContract {

  @Override
  protected Instance start(Database db) {
    return Instance.start(db, Instance.managerBuilder(CascadeCacheManager.builder()).build());
  }

  @Override
  protected boolean shared() {
    return false;
  }
}
