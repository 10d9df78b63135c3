-- promote: move due retries back into the stage's stream, atomically (the retry scheduler).
-- KEYS[1] retry zset  KEYS[2] stream
-- ARGV[1] now ms  ARGV[2] max entries to move
-- A member is "<failed entry id>|<json array of field/value pairs>".
-- Returns the number of entries moved.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(due) do
  local sep = string.find(m, '|', 1, true)
  local fields = cjson.decode(string.sub(m, sep + 1))
  redis.call('XADD', KEYS[2], '*', unpack(fields))
  redis.call('ZREM', KEYS[1], m)
end
return #due
