-- wrk script: POSTs signed Gitea `create` webhooks read from a file of "signature<TAB>body" lines.
-- Each wrk thread walks its own slice (thread i takes lines offset+i, offset+i+threads, ...), so with enough
-- lines every request carries a distinct tag. Args: <path> <lines file> <offset> <threads> [<delivery prefix>]: each
-- request's X-Gitea-Delivery is the prefix and its line number, so two runs of wrk with different prefixes never
-- send the same delivery id (the service answers a known delivery as a duplicate, without a new record).
local path, sigs, bodies, idx, stride, prefix = "/", {}, {}, 1, 1, "bench-"
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  path = args[1]
  for line in io.lines(args[2]) do
    local tab = line:find("\t", 1, true)
    sigs[#sigs + 1] = line:sub(1, tab - 1)
    bodies[#bodies + 1] = line:sub(tab + 1)
  end
  stride = tonumber(args[4])
  if args[5] then prefix = args[5] .. "-" end
  idx = tonumber(args[3]) + tid + 1
end

function request()
  if idx > #bodies then idx = (idx - 1) % #bodies + 1 end
  local i = idx
  idx = idx + stride
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["X-Gitea-Event"] = "create",
    ["X-Gitea-Delivery"] = prefix .. i,
    ["X-Gitea-Signature"] = sigs[i],
  }, bodies[i])
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d sockerr=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
