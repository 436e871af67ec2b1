-- wrk: POST the file BENCH_BODY names to /events, each request with a new event id (the
-- outbox's dedupe keeps every one), and `Connection: close` when BENCH_CLOSE=1 (wrk's -H is
-- not applied to requests a script formats). wrk processes running side by side each need
-- their own BENCH_RUN (math.random starts alike in every process).
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
local headers = {["Content-Type"] = "application/json"}
if os.getenv("BENCH_CLOSE") == "1" then headers["Connection"] = "close" end
local counter = 0
-- `prefix` is the global each thread gets from setup (a local here would shadow it).
function setup(thread) thread:set("prefix", (os.getenv("BENCH_RUN") or "") .. tostring(math.random(1, 1e9)) .. "-") end
function request()
  counter = counter + 1
  local b = body:gsub('"id": "[^"]*"', '"id": "bench-' .. prefix .. counter .. '"', 1)
  return wrk.format("POST", "/events", headers, b)
end
