"""The seed service's cache-aside code, run by PythonSeedInteropIT against the test's Redis.

Usage: seed_cache.py <port> <action> [args...], printing one JSON document:
  set <key> <json> <ttl>               cache_set
  set_tags <key> <json> <ttl> <tags>   set_with_tags (tags comma-separated)
  get <key>                            cache_get, with the key's TTL
  invalidate <tag>                     invalidate_tag
  ttl <key>                            the key's TTL in seconds
The four functions are the seed's, unchanged.
"""
import json
import sys

import redis


def cache_set(r, key, value, ttl): r.setex(key, ttl, json.dumps(value))
def cache_get(r, key): v = r.get(key); return json.loads(v) if v else None
def set_with_tags(r, key, value, ttl, tags):
    p = r.pipeline(); p.setex(key, ttl, json.dumps(value))
    for t in tags: p.sadd(f"tag:{t}", key); p.expire(f"tag:{t}", ttl + 60)
    p.execute()
def invalidate_tag(r, tag):
    keys = r.smembers(f"tag:{tag}")
    if keys: r.delete(*keys)
    r.delete(f"tag:{tag}")


def main(argv):
    r = redis.Redis(host="127.0.0.1", port=int(argv[1]))
    action, args = argv[2], argv[3:]
    if action == "set":
        cache_set(r, args[0], json.loads(args[1]), int(args[2]))
        out = {"ok": True}
    elif action == "set_tags":
        set_with_tags(r, args[0], json.loads(args[1]), int(args[2]), args[3].split(","))
        out = {"ok": True}
    elif action == "get":
        out = {"value": cache_get(r, args[0]), "ttl": r.ttl(args[0])}
    elif action == "invalidate":
        invalidate_tag(r, args[0])
        out = {"ok": True}
    elif action == "ttl":
        out = {"ttl": r.ttl(args[0])}
    else:
        raise SystemExit("unknown action " + action)
    out["redis_py"] = redis.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
