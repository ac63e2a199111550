#!/usr/bin/python3
"""Times the per-record workload as whole processes: SimPy (per_record.py) against shardsim
(per_record.json), each run N times; prints wall and CPU (user + sys) seconds, best and median,
and the ratios. On a shared machine the CPU figures are the fair ones (wall includes waiting for
a core). Usage: compare.py SHARDSIM_BINARY [--runs N] [--simpy-runs N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(argv, runs):
    walls, cpus, out = [], [], ""
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        out = proc.stdout.read()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit("%s failed: %s" % (argv[0], proc.stderr.read()))
    return walls, cpus, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shardsim")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--simpy-runs", type=int, default=3)
    args = parser.parse_args()
    simpy = measure(["/usr/bin/python3", os.path.join(HERE, "per_record.py")], args.simpy_runs)
    shardsim = measure([args.shardsim, "run", os.path.join(HERE, "per_record.json"), "--quiet"],
                       args.runs)
    print("SimPy:    " + simpy[2].strip())
    for name, (walls, cpus, _) in (("simpy", simpy), ("shardsim", shardsim)):
        print("%-9s wall best %.4f s median %.4f s | cpu best %.4f s median %.4f s (%d runs)" %
              (name, min(walls), statistics.median(walls), min(cpus), statistics.median(cpus),
               len(walls)))
    print("ratio     wall best %.0fx median %.0fx | cpu best %.0fx median %.0fx" %
          (min(simpy[0]) / min(shardsim[0]),
           statistics.median(simpy[0]) / statistics.median(shardsim[0]),
           min(simpy[1]) / min(shardsim[1]),
           statistics.median(simpy[1]) / statistics.median(shardsim[1])))


if __name__ == "__main__":
    main()
