-- Anonymous submissions, each with its own Idempotency-Key (as a website's form would send).
local town = os.getenv("BENCH_TOWN") or "bench-town-0"
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
  return wrk.format("POST", "/v1/municipalities/" .. town .. "/requests", headers, body)
end
