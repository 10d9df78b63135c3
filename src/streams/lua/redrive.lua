-- redrive: put a dead-lettered entry back at its stage with attempts reset (`docpipe dlq redrive`).
-- KEYS[1] dlq stream  KEYS[2] stage stream  KEYS[3] doc hash  KEYS[4] doc events
-- ARGV[1] dlq entry id  ARGV[2] to-state ("<stage>.queued")  ARGV[3] snapshot json  ARGV[4] now ms
-- ARGV[5] history maxlen  ARGV[6] stage  ARGV[7..] field/value pairs of the new entry
-- The document's state moves back to "<stage>.queued" only when it is `failed` (a DLQ entry of a
-- document that has moved on since is redriven as a plain entry; the state guard skips it).
-- Returns the new entry id, or false when the DLQ entry no longer exists (nothing done).
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return false end
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
local cur = redis.call('HGET', KEYS[3], 'state') or '-'
if cur == 'failed' or cur == '-' then
  redis.call('PERSIST', KEYS[3])
  redis.call('PERSIST', KEYS[4])
  redis.call('HSET', KEYS[3], 'state', ARGV[2], 'stage', ARGV[6], 'attempt', 1, 'updated_at', ARGV[4],
    'snapshot', ARGV[3], 'error', '', 'msg_id', id)
  record(KEYS[3], KEYS[4], cur, ARGV[2], 'REDRIVE', ARGV[4], ARGV[1], '', 1, '', 0, ARGV[5])
end
return id
