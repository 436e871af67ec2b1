-- wrk: POST the file BENCH_BODY names to /events, each request with a new event id (the
-- outbox's dedupe keeps every one). wrk processes running side by side each need their own
-- BENCH_RUN (math.random starts alike in every process).
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
local counter = 0
-- `prefix` is the global each thread gets from setup (a local here would shadow it).
function setup(thread) thread:set("prefix", (os.getenv("BENCH_RUN") or "") .. tostring(math.random(1, 1e9)) .. "-") end
function request()
  counter = counter + 1
  local b = body:gsub('"id": "[^"]*"', '"id": "bench-' .. prefix .. counter .. '"', 1)
  return wrk.format("POST", "/events", {["Content-Type"] = "application/json"}, b)
end
