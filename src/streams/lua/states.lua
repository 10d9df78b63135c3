-- states: the current state of a batch of documents, read before their handlers run (the guard).
-- KEYS[1..] doc hash of each document, in order   (no ARGV)
-- Returns, per item, the document's state, or "-" when it has none.
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call('HGET', KEYS[i], 'state') or '-'
end
return out
