-- Replays the tab-separated request list in MIX_FILE (method, path, token, body), round robin,
-- each wrk thread from its own offset. Prepared by scripts/load/prepare.py.
local requests = {}
for line in io.lines(os.getenv("MIX_FILE")) do
  local method, path, token, body = line:match("^(%S+)\t(%S+)\t(%S*)\t(.*)$")
  requests[#requests + 1] = { method = method, path = path, token = token, body = body }
end
local counter = 0
-- Each thread starts half the list further on, so two threads do not send the same command.
local threads = 0
setup = function(thread)
  thread:set("offset", threads * math.floor(#requests / 2))
  threads = threads + 1
end
offset = 0
request = function()
  counter = counter + 1
  local r = requests[((counter + offset) % #requests) + 1]
  local headers = { ["Authorization"] = "Bearer " .. r.token }
  local body = nil
  if r.body ~= "" then
    headers["Content-Type"] = "application/json"
    body = r.body
  end
  return wrk.format(r.method, r.path, headers, body)
end
