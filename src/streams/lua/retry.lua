-- retry: a retryable failure. Schedule the message again (sorted set, score = due time) and
-- acknowledge the failed entry, atomically; the document moves to "<stage>.retrying".
-- KEYS[1] doc hash  KEYS[2] doc events  KEYS[3] stream  KEYS[4] retry zset
-- KEYS[5] stats hash  KEYS[6] stats minute hash
-- ARGV[1] group  ARGV[2] msg id  ARGV[3] states the document may be in (comma separated)
-- ARGV[4] to-state  ARGV[5] snapshot json
-- ARGV[6] now ms  ARGV[7] consumer  ARGV[8] history maxlen  ARGV[9] due ms  ARGV[10] zset member
-- ARGV[11] error  ARGV[12] attempt
-- Returns 1 when scheduled, 0 when the entry was stale (the document moved on: acknowledged only).
local cur = redis.call('HGET', KEYS[1], 'state') or '-'
if not member(split(ARGV[3]), cur) then
  redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
  count(KEYS[5], KEYS[6], 'skipped', 1)
  return 0
end
redis.call('ZADD', KEYS[4], ARGV[9], ARGV[10])
redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
local started = tonumber(redis.call('HGET', KEYS[1], 'started_at') or ARGV[6])
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'updated_at', ARGV[6], 'snapshot', ARGV[5], 'error', ARGV[11],
  'retry_at', ARGV[9], 'consumer', '')
record(KEYS[1], KEYS[2], cur, ARGV[4], 'RETRY', ARGV[6], ARGV[2], ARGV[7], ARGV[12], ARGV[11], tonumber(ARGV[6]) - started, ARGV[8])
count(KEYS[5], KEYS[6], 'retried', 1)
return 1
