-- handoff: a handler succeeded. All or nothing: check the document is still "<stage>.running" for
-- this entry, publish the next stage's message (or the completed one), acknowledge this entry,
-- move the state, record history and counters.
-- KEYS[1] doc hash  KEYS[2] doc events  KEYS[3] this stage's stream  KEYS[4] next stream
-- KEYS[5] stats hash  KEYS[6] stats minute hash
-- ARGV[1] group  ARGV[2] msg id  ARGV[3] expected state  ARGV[4] to-state  ARGV[5] snapshot json
-- ARGV[6] now ms  ARGV[7] consumer  ARGV[8] history maxlen  ARGV[9] ttl ms (0 = keep)  ARGV[10] attempt
-- ARGV[11..] field/value pairs of the next entry
-- Returns {1, next entry id}, or {0, current state} when the entry is stale (the document moved on
-- or another entry owns the run): it is acknowledged and nothing is published.
local cur = redis.call('HGET', KEYS[1], 'state') or '-'
local owner = redis.call('HGET', KEYS[1], 'msg_id')
if cur ~= ARGV[3] or owner ~= ARGV[2] then
  redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
  count(KEYS[5], KEYS[6], 'skipped', 1)
  return {0, cur}
end
local fields = {}
for i = 11, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[4], '*', unpack(fields))
redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
local started = tonumber(redis.call('HGET', KEYS[1], 'started_at') or ARGV[6])
local duration = tonumber(ARGV[6]) - started
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'attempt', 1, 'updated_at', ARGV[6], 'snapshot', ARGV[5],
  'msg_id', id, 'error', '', 'consumer', '')
record(KEYS[1], KEYS[2], cur, ARGV[4], 'SUCCEED', ARGV[6], ARGV[2], ARGV[7], ARGV[10], '', duration, ARGV[8])
count(KEYS[5], KEYS[6], 'processed', 1)
count(KEYS[5], KEYS[6], 'duration_ms', duration)
if tonumber(ARGV[9]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[9])
  redis.call('PEXPIRE', KEYS[2], ARGV[9])
end
return {1, id}
