-- begin: a handler has been running a while; the document shows "<stage>.running" with its consumer
-- (fast handlers skip this: their documents go from queued straight to the next stage).
-- KEYS[1] doc hash  KEYS[2] doc events
-- ARGV[1] allowed from-states (comma separated, "-" = no state yet)  ARGV[2] to-state
-- ARGV[3] snapshot json  ARGV[4] msg id  ARGV[5] consumer  ARGV[6] now ms  ARGV[7] attempt
-- ARGV[8] pipeline_version  ARGV[9] history maxlen  ARGV[10] stage
-- Returns {1, previous state} when started, {0, current state} when the move is not legal
-- (the caller skips a document that is past this stage and dead-letters anything else).
local cur = redis.call('HGET', KEYS[1], 'state') or '-'
if not member(split(ARGV[1]), cur) then return {0, cur} end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'stage', ARGV[10], 'attempt', ARGV[7], 'updated_at', ARGV[6],
  'pipeline_version', ARGV[8], 'snapshot', ARGV[3], 'msg_id', ARGV[4], 'consumer', ARGV[5], 'started_at', ARGV[6])
record(KEYS[1], KEYS[2], cur, ARGV[2], 'START', ARGV[6], ARGV[4], ARGV[5], ARGV[7], '', 0, ARGV[9])
return {1, cur}
