-- wrk script for bench/soak.sh: every request gathers 5 random rows of the 100, and every
-- answer is counted by status class and by the wall-clock second it arrived in, so that the
-- soak can tell answers inside its fault windows from those outside. done() writes the counts
-- and the latency percentiles to the file named by the environment's SOAK_COUNTS.
local values_per_request = 5
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  ok_by_second = {}
  failed_by_second = {}
end

request = function()
  local parts = {}
  for i = 1, values_per_request do
    parts[i] = "data=a_" .. math.random(0, 99)
  end
  return wrk.format("GET", "/a?" .. table.concat(parts, "&"))
end

response = function(status, headers, body)
  local second = os.time()
  if status >= 200 and status < 300 then
    ok_by_second[second] = (ok_by_second[second] or 0) + 1
  else
    failed_by_second[second] = (failed_by_second[second] or 0) + 1
  end
end

done = function(summary, latency, requests)
  local out = io.open(os.getenv("SOAK_COUNTS"), "w")
  for _, t in ipairs(threads) do
    for second, n in pairs(t:get("ok_by_second")) do
      out:write(string.format("ok %d %d\n", second, n))
    end
    for second, n in pairs(t:get("failed_by_second")) do
      out:write(string.format("failed %d %d\n", second, n))
    end
  end
  local e = summary.errors
  out:write(string.format("socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  out:write(string.format("p50_us %d\np99_us %d\n", latency:percentile(50), latency:percentile(99)))
  out:close()
end
