-- Ballots to one survey, each from a distinct respondent: an inhabitant's bearer token or a
-- ballot code (the respondents file alternates them: "a n token" / "c n CODE"), an option at
-- random. With BENCH_RATE > 0 they are offered at that rate in all (a schedule of send times
-- shared by the thread's connections, so that a slow answer does not slow the offer: wrk has no
-- rate of its own), for BENCH_WINDOW seconds; with BENCH_RATE = 0, as fast as answers come,
-- until the respondents run out.
--
-- Every request carries X-Request-Id "a:n:option" or "c:n:option", which the API echoes: each
-- thread writes to BENCH_LOG-<thread> a "sent <id> <lateness> <at>" line per request and a
-- "<status> <id> <at>" line per answer (ms: after its slot, since the thread's first send), for
-- the SQL check that follows; then BENCH_LOG-<thread>.done
-- once it has sent all it will and every answer is in (bench/ballots.sh then stops wrk).
--
-- Environment: BENCH_RESPONDENTS, BENCH_LOG, BENCH_PATH (the ballots path), BENCH_OPTIONS,
-- BENCH_THREADS (= wrk -t), BENCH_RATE, BENCH_WINDOW.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local window_ms = tonumber(os.getenv("BENCH_WINDOW") or "60") * 1000
local options = tonumber(os.getenv("BENCH_OPTIONS") or "4")
local path = os.getenv("BENCH_PATH")
local log_prefix = os.getenv("BENCH_LOG")

local created = 0
function setup(thread)
  thread:set("index", created)
  created = created + 1
end

local people = {}
local log
local sent, answered = 0, 0
local start, slot_k = nil, 0
local interval = 0
local slots, slot_head, slot_tail = {}, 1, 0
local finished, marked = false, false

function init(args)
  local i = 0
  for line in io.lines(os.getenv("BENCH_RESPONDENTS")) do
    if i % threads == index then
      local kind, n, secret = line:match("^(%a) (%d+) (%S+)$")
      people[#people + 1] = { kind, n, secret }
    end
    i = i + 1
  end
  log = io.open(log_prefix .. "-" .. index, "w")
  if rate > 0 then interval = 1000 * threads / rate end
  math.randomseed(index * 7919 + os.time())
end

local function mark_if_done()
  if finished and slot_head > slot_tail and answered == sent and not marked then
    marked = true
    log:flush()
    io.open(log_prefix .. "-" .. index .. ".done", "w"):close()
  end
end

-- Called before each request of a connection: when to send it. A thread's connections share
-- one schedule of send times (slot k at start + k × interval); a connection free later than its
-- slot sends at once, and the lateness is logged.
function delay()
  local now = now_ms()
  if start == nil then start = now end
  local slot = start + slot_k * interval
  -- The offer ends with the window (counted in send times: slots are claimed ahead of them).
  if sent + (slot_tail - slot_head + 1) >= #people or slot - start >= window_ms then
    finished = true
    mark_if_done()
    return 3600 * 1000
  end
  slot_k = slot_k + 1
  slot_tail = slot_tail + 1
  slots[slot_tail] = slot
  if slot <= now then return 0 end
  return math.ceil(slot - now)
end

function request()
  -- wrk calls request() once before the run to check what it returns: nothing is sent then.
  if start == nil then return wrk.format("POST", path, {}, "{}") end
  local slot = slots[slot_head]
  if slot then
    slots[slot_head] = nil
    slot_head = slot_head + 1
  end
  if sent >= #people then return wrk.format("POST", path, {}, "{}") end
  sent = sent + 1
  local who = people[sent]
  local option = math.random(options)
  local id = who[1] .. ":" .. who[2] .. ":" .. option
  local headers = { ["Content-Type"] = "application/json", ["X-Request-Id"] = id }
  local body
  if who[1] == "a" then
    headers["Authorization"] = "Bearer " .. who[3]
    body = '{"option":' .. option .. '}'
  else
    body = '{"option":' .. option .. ',"code":"' .. who[3] .. '"}'
  end
  local now = now_ms()
  log:write("sent ", id, " ", string.format("%.1f %.1f", now - (slot or now), now - start), "\n")
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  local id = headers["x-request-id"] or headers["X-Request-Id"]
  if id == nil or not id:match("^[ac]:") then
    -- Not an answer to a ballot: the server's 408 on a connection left idle after the load.
    log:write("unsolicited ", status, "\n")
    return
  end
  answered = answered + 1
  log:write(status, " ", id, " ", string.format("%.1f", now_ms() - start), "\n")
  mark_if_done()
end
