package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.CacheContract;

/** The contract on RedisTier alone; subclasses give it a standalone server or a cluster. */
abstract class RedisTierContract extends CacheContract {
  abstract RedisSetup redis();

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(redis().store()).valueCodec(StringCodec.create()).ticker(ticker);
  }
}
