-- wrk: POST the file BENCH_BODY names to /events, each request with a new event id (the
-- outbox's dedupe keeps every one).
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
local prefix, counter = "", 0
function setup(thread) thread:set("prefix", tostring(math.random(1, 1e9)) .. "-") end
function request()
  counter = counter + 1
  local b = body:gsub('"id": "[^"]*"', '"id": "bench-' .. prefix .. counter .. '"', 1)
  return wrk.format("POST", "/events", {["Content-Type"] = "application/json"}, b)
end
