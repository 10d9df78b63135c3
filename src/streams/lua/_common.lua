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
-- fold(doc, events, maxlen): a finished document's history stream becomes the hash's `history` field
-- and the stream is deleted (a stream costs ~4.7 KB however short). One line per event, oldest first:
-- id, event, from, to, at, msg_id, consumer, attempt, error, duration_ms, tab-separated, with
-- backslash, tab and newline in values escaped (\\ \t \n); lines already packed (a resubmitted
-- document) come first; the newest maxlen lines are kept. src/ops/doc.ts reads it back.
local HISTORY_FIELDS = {'event', 'from', 'to', 'at', 'msg_id', 'consumer', 'attempt', 'error', 'duration_ms'}
local ESCAPES = {['\\'] = '\\\\', ['\t'] = '\\t', ['\n'] = '\\n'}
local function esc(v)
  if string.find(v, '[\\\t\n]') then return (string.gsub(v, '[\\\t\n]', ESCAPES)) end
  return v
end
local function fold(docKey, eventsKey, maxlen)
  local lines = {}
  local old = redis.call('HGET', docKey, 'history')
  if old then for line in string.gmatch(old, '[^\n]+') do lines[#lines + 1] = line end end
  for _, e in ipairs(redis.call('XRANGE', eventsKey, '-', '+')) do
    local kv, parts = e[2], {e[1]}
    if #kv == 18 and kv[1] == 'event' and kv[17] == 'duration_ms' then
      -- written by record (its field order): the values in place
      for j = 2, 18, 2 do parts[#parts + 1] = esc(kv[j]) end
    else
      local f = {}
      for j = 1, #kv, 2 do f[kv[j]] = kv[j + 1] end
      for j, name in ipairs(HISTORY_FIELDS) do parts[j + 1] = esc(f[name] or '') end
    end
    lines[#lines + 1] = table.concat(parts, '\t')
  end
  redis.call('HSET', docKey, 'history', table.concat(lines, '\n', math.max(1, #lines - tonumber(maxlen) + 1)))
  redis.call('DEL', eventsKey)
end
