-- GET one published request, picked at random among the ids the generator wrote.
local ids = {}
local town = os.getenv("BENCH_TOWN") or "bench-town-0"
for line in io.lines(os.getenv("BENCH_IDS") or "target/bench-ids.txt") do
  ids[#ids + 1] = line
  if #ids >= 10000 then break end
end
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/v1/municipalities/" .. town .. "/requests/" .. id)
end
