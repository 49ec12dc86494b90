-- A mixed, partly hostile load for the memory soak (bench/soak.sh): public reads, anonymous
-- submissions, made-up methods and paths, NUL bytes, malformed bodies and failed logins with
-- made-up account names: everything that could make the process keep something per request.
local town = os.getenv("SOAK_TOWN") or "loos-en-gohelle"
local base = "/v1/municipalities/" .. town
local counter = 0
local tag = ""
setup = function(thread)
  thread:set("tag", tostring(math.random(1, 1e9)))
end
init = function(args)
  tag = tag or tostring(math.random(1, 1e9))
end
local json = { ["Content-Type"] = "application/json" }
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
request = function()
  counter = counter + 1
  local n = counter % 20
  local unique = tag .. "-" .. counter
  if n < 8 then
    return wrk.format("GET", base .. "/requests?limit=20")
  elseif n < 11 then
    return wrk.format("GET", base .. "/requests?q=rue&sort=-received_on&limit=10")
  elseif n == 11 then
    local body = '{"kind":"idea","title":"Un banc rue Bayard","description":"Pour s\'asseoir, numéro ' .. counter .. '."}'
    return wrk.format("POST", base .. "/requests", { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "soak-" .. unique }, body)
  elseif n == 12 then
    return wrk.format("MADEUP" .. (counter % 997), "/soak/" .. unique)
  elseif n == 13 then
    return wrk.format("GET", "/v1/municipalities/made-up-" .. unique .. "/requests")
  elseif n == 14 then
    return wrk.format("GET", base .. "/requests?q=%00" .. unique)
  elseif n == 15 then
    return wrk.format("POST", base .. "/requests", json, '{"kind": "idea", "title": ')
  elseif n == 16 then
    return wrk.format("POST", "/v1/auth/token", form, "grant_type=password&username=made-up-" .. unique .. "%40example.org&password=wrong")
  elseif n == 17 then
    return wrk.format("GET", "/metrics")
  elseif n == 18 then
    return wrk.format("GET", base .. "/tracking/" .. string.rep("a", 26))
  else
    return wrk.format("GET", base)
  end
end
