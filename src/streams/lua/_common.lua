-- Shared helpers, prepended to every docpipe script (no Redis calls at load time).
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
-- History: one stream entry per event whose only field `e` is the event packed as one line: event,
-- from, to, at, msg_id, consumer, attempt, error, duration_ms, tab-separated, with backslash, tab and
-- newline escaped (\\ \t \n) in the values that can hold them (from: a state read from Redis;
-- consumer; error: stage names, events, ids and numbers cannot). One field instead of nine: a
-- fraction of the cost to write and to fold. src/ops/doc.ts reads it back, and older entries that
-- have the nine as fields of their own.
local HISTORY_FIELDS = {'event', 'from', 'to', 'at', 'msg_id', 'consumer', 'attempt', 'error', 'duration_ms'}
local ESCAPES = {['\\'] = '\\\\', ['\t'] = '\\t', ['\n'] = '\\n'}
local function esc(v)
  if string.find(v, '[\\\t\n]') then return (string.gsub(v, '[\\\t\n]', ESCAPES)) end
  return v
end
-- record(doc, events, from, to, event, now, msgid, consumer, attempt, error, duration, maxlen)
local function record(docKey, eventsKey, from, to, event, now, msgid, consumer, attempt, err, duration, maxlen)
  redis.call('XADD', eventsKey, 'MAXLEN', '~', maxlen, '*', 'e',
    event .. '\t' .. esc(from) .. '\t' .. to .. '\t' .. now .. '\t' .. msgid .. '\t' .. esc(consumer) .. '\t' ..
    attempt .. '\t' .. esc(err) .. '\t' .. duration)
end
-- fold(doc, events, maxlen): a finished document's history stream becomes the hash's `history` field
-- and the stream is deleted (a stream costs ~4.7 KB however short). One line per event, oldest first:
-- the entry id, a tab, the packed event (see record); lines already packed (a resubmitted document)
-- come first; the newest maxlen lines are kept.
local function fold(docKey, eventsKey, maxlen)
  local lines = {}
  local old = redis.call('HGET', docKey, 'history')
  if old then for line in string.gmatch(old, '[^\n]+') do lines[#lines + 1] = line end end
  for _, e in ipairs(redis.call('XRANGE', eventsKey, '-', '+')) do
    local kv = e[2]
    if #kv == 2 and kv[1] == 'e' then
      lines[#lines + 1] = e[1] .. '\t' .. kv[2]
    else
      -- an entry with the fields as fields of their own (written before the packed entries)
      local f, parts = {}, {e[1]}
      for j = 1, #kv, 2 do f[kv[j]] = kv[j + 1] end
      for j, name in ipairs(HISTORY_FIELDS) do parts[j + 1] = esc(f[name] or '') end
      lines[#lines + 1] = table.concat(parts, '\t')
    end
  end
  redis.call('HSET', docKey, 'history', table.concat(lines, '\n', math.max(1, #lines - tonumber(maxlen) + 1)))
  redis.call('DEL', eventsKey)
end
