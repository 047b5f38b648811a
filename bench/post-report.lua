-- wrk script: POST /v1/check with a report file as the body (text/plain), and print the
-- median and 99th percentile latency. wrk itself reports any "Non-2xx or 3xx responses".
-- Usage: wrk -t2 -c16 -d20s -s bench/post-report.lua http://127.0.0.1:8080/v1/check
-- The file is examples/minhe-2020.txt unless NIANBAO_BENCH_FILE names another.
local path = os.getenv("NIANBAO_BENCH_FILE") or "examples/minhe-2020.txt"
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, requests %d, errors %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
