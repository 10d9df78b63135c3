-- deadletter: invalid input, a permanent error, exhausted retries or a crash loop. Publish to the
-- stage's DLQ, acknowledge the entry, and (when the document is at this stage) mark it failed.
-- KEYS[1] doc hash  KEYS[2] doc events  KEYS[3] stream  KEYS[4] dlq stream
-- KEYS[5] stats hash  KEYS[6] stats minute hash
-- ARGV[1] group  ARGV[2] msg id  ARGV[3] states from which the document may fail (comma separated)
-- ARGV[4] "1": a handler failure: the entry is stale unless the document is still at this stage
-- ARGV[5] snapshot json of "failed"
-- ARGV[6] now ms  ARGV[7] consumer  ARGV[8] history maxlen  ARGV[9] ttl ms  ARGV[10] error
-- ARGV[11] attempt  ARGV[12..] field/value pairs of the DLQ entry
-- Returns {1, dlq id} (state failed), {2, dlq id} (dead-lettered, state untouched: the document is
-- elsewhere), {0, state} (stale entry of a run another entry owns: acknowledged only).
local cur = redis.call('HGET', KEYS[1], 'state') or '-'
local atStage = member(split(ARGV[3]), cur)
if ARGV[4] == '1' and not atStage then
  redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
  count(KEYS[5], KEYS[6], 'skipped', 1)
  return {0, cur}
end
local fields = {}
for i = 12, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[4], '*', unpack(fields))
redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
count(KEYS[5], KEYS[6], 'dead_lettered', 1)
if not atStage then return {2, id} end
redis.call('HSET', KEYS[1], 'state', 'failed', 'updated_at', ARGV[6], 'snapshot', ARGV[5], 'error', ARGV[10],
  'msg_id', id, 'consumer', '')
record(KEYS[1], KEYS[2], cur, 'failed', 'FAIL', ARGV[6], ARGV[2], ARGV[7], ARGV[11], ARGV[10], 0, ARGV[8])
if tonumber(ARGV[9]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
  redis.call('PEXPIRE', KEYS[2], ARGV[9])
end
return {1, id}
