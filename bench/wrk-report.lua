-- Baton's wrk reporter: prints one machine-readable RESULT line when a run ends.
-- Latencies in ms. rps counts every response; ok_rps only 2xx/3xx ones (wrk's "non-2xx" are
-- left out), so that a flood of fast 503s never reads as throughput.
-- With BATON_WRK_STATUS=1 it also counts responses per status (costs wrk a Lua call per
-- response: use it for the slow scenarios only, never for plaintext).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

if os.getenv("BATON_WRK_STATUS") == "1" then
  statuses = {}
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

local function status_counts()
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if type(s) == "table" then
      for code, n in pairs(s) do
        total[code] = (total[code] or 0) + n
      end
    end
  end
  local parts = {}
  for code, n in pairs(total) do
    table.insert(parts, string.format("%d:%d", code, n))
  end
  table.sort(parts)
  return #parts > 0 and table.concat(parts, ",") or "-"
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local ok = summary.requests - e.status
  local function ms(p) return latency:percentile(p) / 1000 end
  io.write(string.format(
    "RESULT requests=%d ok=%d secs=%.2f rps=%.1f ok_rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f"
      .. " err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx=%d statuses=%s\n",
    summary.requests, ok, secs, summary.requests / secs, ok / secs,
    ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status, status_counts()))
end
