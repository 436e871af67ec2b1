-- wrk script for bench/compare: POSTs the compacted sample event, with a fresh event id on every
-- request (relay's durable mode drops an id it has already accepted, so a repeated id would
-- measure its dedupe path instead of its accept path). Every peer gets the same requests.
-- Environment: COMPARE_BODY (file with the compact event), COMPARE_CLOSE=1 (send
-- `Connection: close`, as EventBridge does), COMPARE_ID_PREFIX (a number below 2^31 that makes
-- ids unique across the cells of one run).
local f = assert(io.open(os.getenv("COMPARE_BODY"), "rb"))
local body = f:read("*a")
f:close()

-- Split the body around the value of the first "id" key (the envelope's: it comes second).
local s, e = body:find('"id":"[^"]*"')
assert(s, "the sample has no \"id\"")
local head, tail = body:sub(1, s + 5), body:sub(e)

local prefix = tonumber(os.getenv("COMPARE_ID_PREFIX") or "0") % 2147483648
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("COMPARE_CLOSE") == "1" then wrk.headers["Connection"] = "close" end

request = function()
  counter = counter + 1
  local id = string.format("%08x-0000-4000-8000-%012x", prefix, counter)
  return wrk.format(nil, nil, nil, head .. id .. tail)
end
