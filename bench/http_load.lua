-- wrk script for bench/http_load.sh: every request gathers 5 random rows of the 100,
-- GET /a?data=a_<k>&data=a_<k>&... (k uniform in 0..99, repeats possible).
local values_per_request = 5

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

request = function()
  local parts = {}
  for i = 1, values_per_request do
    parts[i] = "data=a_" .. math.random(0, 99)
  end
  return wrk.format("GET", "/a?" .. table.concat(parts, "&"))
end
