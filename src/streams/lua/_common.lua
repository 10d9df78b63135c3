-- Shared helpers, prepended to every docpipe script (no Redis calls at load time).
-- record(doc, events, from, to, event, now, msgid, consumer, attempt, error, duration, maxlen)
local function record(docKey, eventsKey, from, to, event, now, msgid, consumer, attempt, err, duration, maxlen)
  redis.call('XADD', eventsKey, 'MAXLEN', '~', maxlen, '*',
    'event', event, 'from', from, 'to', to, 'at', now, 'msg_id', msgid,
    'consumer', consumer, 'attempt', attempt, 'error', err, 'duration_ms', duration)
end
local function count(statsKey, minuteKey, field, n)
  redis.call('HINCRBY', statsKey, field, n)
  redis.call('HINCRBY', minuteKey, field, n)
  redis.call('PEXPIRE', minuteKey, 7200000)
end
local function member(list, value)
  for _, v in ipairs(list) do if v == value then return true end end
  return false
end
local function split(s)
  local out = {}
  for part in string.gmatch(s, '([^,]+)') do out[#out + 1] = part end
  return out
end
