-- handoff: handlers of one stage succeeded; hand a batch of documents to the next stage. Per
-- document, all or nothing: check the document is still at this stage (not moved on by a duplicate),
-- publish the next stage's message (or the completed one), move the state, record history; then
-- acknowledge the batch's entries and count, once.
-- KEYS[1] this stage's stream  KEYS[2] next stream  KEYS[3] stats hash  KEYS[4] stats minute hash
-- KEYS[4+2i-1] doc hash of item i  KEYS[4+2i] doc events of item i
-- ARGV[1] group  ARGV[2] now ms  ARGV[3] consumer  ARGV[4] history maxlen  ARGV[5] ttl ms (0 = keep)
-- ARGV[6] states the document may be in (comma separated: this stage's queued/running/retrying, "-")
-- ARGV[7] to-state  ARGV[8] snapshot json of to-state  ARGV[9] item count
-- ARGV[10] the document's stage after the move (the next stage; this one when the document completes)
-- ARGV[11] "1": fold the history stream into the hash (to-state completed, state.history_after_finish
-- packed; see fold in _common.lua)
-- ARGV[11+i] item i as one JSON array: [msg id, attempt, duration ms, field1, value1, field2, value2, …]
-- (one argument per document instead of two dozen: the client's cost is per argument)
-- Returns, per item, the next entry id, or "" when the entry was stale (the document had moved on:
-- acknowledged, nothing published).
local allowed = split(ARGV[6])
local n = tonumber(ARGV[9])
local fold1 = ARGV[11] == '1'
local out = {}
local ids = {}
local done, skipped, total = 0, 0, 0
for i = 1, n do
  local docKey, evKey = KEYS[4 + 2 * i - 1], KEYS[4 + 2 * i]
  local item = cjson.decode(ARGV[11 + i])
  local msgid, attempt, duration = item[1], item[2], item[3]
  ids[#ids + 1] = msgid
  local cur = redis.call('HGET', docKey, 'state') or '-'
  if member(allowed, cur) then
    local id = redis.call('XADD', KEYS[2], '*', unpack(item, 4))
    redis.call('HSET', docKey, 'state', ARGV[7], 'stage', ARGV[10], 'attempt', 1, 'updated_at', ARGV[2], 'snapshot', ARGV[8],
      'msg_id', id, 'error', '', 'consumer', '')
    record(docKey, evKey, cur, ARGV[7], 'SUCCEED', ARGV[2], msgid, ARGV[3], attempt, '', duration, ARGV[4])
    if fold1 then fold(docKey, evKey, ARGV[4]) end
    if tonumber(ARGV[5]) > 0 then
      redis.call('PEXPIRE', docKey, ARGV[5])
      if not fold1 then redis.call('PEXPIRE', evKey, ARGV[5]) end
    end
    done = done + 1
    total = total + tonumber(duration)
    out[i] = id
  else
    skipped = skipped + 1
    out[i] = ''
  end
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
if done > 0 then
  count(KEYS[3], KEYS[4], 'processed', done)
  count(KEYS[3], KEYS[4], 'duration_ms', total)
end
if skipped > 0 then count(KEYS[3], KEYS[4], 'skipped', skipped) end
return out
