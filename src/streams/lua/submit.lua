-- submit: start a document at the first stage (intake, direct mode, `docpipe submit`).
-- KEYS[1] doc hash  KEYS[2] doc events  KEYS[3] first stage stream
-- ARGV[1] to-state (e.g. "ocr.queued")  ARGV[2] snapshot json  ARGV[3] now ms
-- ARGV[4] pipeline_version  ARGV[5] history maxlen  ARGV[6] stage
-- ARGV[7] allowed from-states, comma separated ("-" = no state yet)
-- ARGV[8..] field/value pairs of the stream entry
-- Returns {1, entry id} when published, {0, current state} when the document is already in flight.
-- The hash also keeps the document's file name (the entry's file_name, else the last part of its
-- file_path) and trace id (from its traceparent), for `docpipe doc <name>` and the dashboard.
local cur = redis.call('HGET', KEYS[1], 'state') or '-'
if not member(split(ARGV[7]), cur) then return {0, cur} end
local fields = {}
local file_name, file_path, trace_id = nil, nil, ''
for i = 8, #ARGV do fields[#fields + 1] = ARGV[i] end
for i = 8, #ARGV - 1, 2 do
  local k, v = ARGV[i], ARGV[i + 1]
  if k == 'file_name' and v ~= '' then file_name = v
  elseif k == 'file_path' then file_path = v
  elseif k == 'trace' then trace_id = string.match(v, '^00%-(%x+)%-%x+%-%x%x$') or '' end
end
if not file_name and file_path then file_name = string.match(file_path, '([^/]*)$') end
local id = redis.call('XADD', KEYS[3], '*', unpack(fields))
redis.call('PERSIST', KEYS[1])
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'stage', ARGV[6], 'attempt', 1, 'updated_at', ARGV[3],
  'pipeline_version', ARGV[4], 'error', '', 'snapshot', ARGV[2], 'msg_id', id, 'file_name', file_name or '', 'trace_id', trace_id)
redis.call('PERSIST', KEYS[2])
record(KEYS[1], KEYS[2], cur, ARGV[1], 'SUBMIT', ARGV[3], id, '', 1, '', 0, ARGV[5])
return {1, id}
