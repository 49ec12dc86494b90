-- Anonymous submissions, each with its own Idempotency-Key (as a website's form would send), to
-- one town (BENCH_TOWN) or, with BENCH_TOWNS=N, to bench-town-0 … bench-town-(N-1) at random.
local town = os.getenv("BENCH_TOWN") or "bench-town-0"
local towns = tonumber(os.getenv("BENCH_TOWNS") or "1")
local counter = 0
local thread_tag = ""
setup = function(thread)
  thread:set("tag", tostring(math.random(1, 1e9)))
end
init = function(args)
  thread_tag = tag or tostring(math.random(1, 1e9))
end
request = function()
  counter = counter + 1
  local body = '{"kind":"complaint","title":"Nids-de-poule rue Bayard","description":"La chaussée est abîmée devant le numéro ' .. counter .. '.","themes":["roads-and-traffic"],"neighbourhood":"cite-5"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. thread_tag .. "-" .. counter,
  }
  local to = town
  if towns > 1 then to = "bench-town-" .. (math.random(towns) - 1) end
  return wrk.format("POST", "/v1/municipalities/" .. to .. "/requests", headers, body)
end
