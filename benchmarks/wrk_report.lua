-- Printed by wrk when a run ends: one JSON line that benchmarks/loadgen.py reads.
-- Times are in microseconds. Only done() is defined, so wrk's request loop stays in C.
done = function(summary, latency, requests)
  io.write(string.format(
    '\nPNYX-BENCH {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}}\n',
    summary.duration, summary.requests, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
