-- GET the suggestions for one request, picked at random among the ids the generator wrote, as
-- staff (BENCH_TOKEN: an access token of a platform admin, made by run.sh).
local ids = {}
local town = os.getenv("BENCH_TOWN") or "bench-town-0"
local token = os.getenv("BENCH_TOKEN") or ""
for line in io.lines(os.getenv("BENCH_IDS") or "target/bench-ids.txt") do
  ids[#ids + 1] = line
  if #ids >= 10000 then break end
end
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/v1/municipalities/" .. town .. "/requests/" .. id .. "/suggestions",
    { ["Authorization"] = "Bearer " .. token })
end
