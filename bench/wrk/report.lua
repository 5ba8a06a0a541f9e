-- Shared by every bench/wrk script (loaded with dofile): one machine-readable result line.
-- Latencies are microseconds; "status" counts answers of 400 or more (wrk's "Non-2xx");
-- "unexpected" counts answers other than VB_EXPECT_STATUS where a script checks them.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function done(summary, latency, requests)
   local unexpected = 0
   for _, thread in ipairs(threads) do
      unexpected = unexpected + (thread:get("unexpected") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'VB_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, '
      .. '"unexpected": %d}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean,
      e.connect, e.read, e.write, e.timeout, e.status, unexpected))
end
