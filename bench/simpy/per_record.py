#!/usr/bin/python3
"""The per-record workload as a straightforward SimPy model: what a user would write instead of
shardsim (bench/simpy/per_record.json is the same workload for shardsim; compare.py times both).

1,000 producer instances share 3,000 records/s (Poisson) of 1,000 B, partition keys device-0 ..
device-9999 routed by MD5 to 2 shards (CreateStream's even split). Each instance makes one
PutRecord call at a time (20 ms) and retries inside the call, as the SDK does; at the call's
completion a shard admits the record if its one-second window still has room under 1,000
records/s and 1 MiB/s, else the record is throttled and retried after a full-jitter exponential
backoff (base 100 ms, x2, cap 20 s), at most 4 attempts, then dropped. 30 simulated seconds.
SimPy 2 API (Debian's python3-simpy 2.3.1). Prints the record counts (shardsim's result.json
reports the same within sampling noise) and, with --count-events, SimPy's event notices.
Usage: per_record.py [--seconds S] [--seed N] [--count-events]
"""
import argparse
import hashlib
import random

from SimPy.Simulation import Process, Resource, Simulation, hold, release, request

SHARDS = 2
RATE = 3000.0  # records/s, all instances
INSTANCES = 1000
RECORD_BYTES = 1000
KEYS = 10000
CALL_LATENCY = 0.020  # s
MAX_ATTEMPTS = 4
BASE_DELAY, MULTIPLIER, MAX_DELAY = 0.100, 2.0, 20.0
SHARD_RECORDS_PER_S = 1000
SHARD_BYTES_PER_S = 1024 * 1024


class Shard:
    def __init__(self):
        self.window = -1
        self.records = 0
        self.bytes = 0

    def admit(self, now, size):
        second = int(now)
        if second != self.window:  # the one-second window rolls
            self.window, self.records, self.bytes = second, 0, 0
        if self.records + 1 > SHARD_RECORDS_PER_S or self.bytes + size > SHARD_BYTES_PER_S:
            return False
        self.records += 1
        self.bytes += size
        return True


class Stats:
    produced = accepted = throttled = dropped = 0


class Record(Process):
    def put(self, model, instance, shard, size):
        # One call in flight per instance; the SDK retries inside the call, so the instance
        # stays busy through the backoff.
        yield request, self, instance
        attempt = 1
        while True:
            yield hold, self, CALL_LATENCY
            if model.shards[shard].admit(self.sim.now(), size):
                model.stats.accepted += 1
                break
            model.stats.throttled += 1
            if attempt == MAX_ATTEMPTS:
                model.stats.dropped += 1
                break
            cap = min(MAX_DELAY, BASE_DELAY * MULTIPLIER ** (attempt - 1))
            yield hold, self, model.rng.uniform(0, cap)  # full jitter
            attempt += 1
        yield release, self, instance


class Instance(Process):
    def run(self, model, index, end):
        line = Resource(capacity=1, name="instance-%d" % index, sim=self.sim)
        rate = RATE / INSTANCES
        while True:
            yield hold, self, model.rng.expovariate(rate)
            if self.sim.now() >= end:
                return
            model.stats.produced += 1
            shard = model.shard_of["device-%d" % model.rng.randrange(KEYS)]
            r = Record(sim=self.sim)
            self.sim.activate(r, r.put(model, line, shard, RECORD_BYTES))


class CountingSimulation(Simulation):
    """Counts event notices (--count-events); kept out of timed runs."""

    posted = 0

    def _post(self, what, at, prior=False):
        self.posted += 1
        Simulation._post(self, what, at, prior)


class Model:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.shards = [Shard() for _ in range(SHARDS)]
        self.stats = Stats()
        # Hash each key once: MD5 as a big-endian 128-bit integer, CreateStream's even ranges.
        width = (1 << 128) // SHARDS
        self.shard_of = {}
        for i in range(KEYS):
            key = "device-%d" % i
            h = int.from_bytes(hashlib.md5(key.encode()).digest(), "big")
            self.shard_of[key] = min(h // width, SHARDS - 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count-events", action="store_true")
    args = parser.parse_args()
    model = Model(args.seed)
    sim = CountingSimulation() if args.count_events else Simulation()
    sim.initialize()
    for i in range(INSTANCES):
        p = Instance(sim=sim)
        sim.activate(p, p.run(model, i, args.seconds))
    sim.simulate(until=args.seconds)
    s = model.stats
    line = "produced %d accepted %d throttled %d dropped %d in_flight %d" % (
        s.produced, s.accepted, s.throttled, s.dropped, s.produced - s.accepted - s.dropped)
    if args.count_events:
        line += " events %d" % sim.posted
    print(line)


if __name__ == "__main__":
    main()
