#!/usr/bin/env python3
"""Prints the roofline of a benchmark run (scripts/bench): per graph, calls, seconds per call, GFLOP
per call (counted from ONNX Runtime's profile at the call's shapes), achieved GFLOP/s and its share
of the machine's best matmul rate measured in the same run, and the operators taking its time.

Usage: scripts/roofline_table.py RESULT.json   (a RooflineBenchmark or Sam2Benchmark JSON line)
"""
import json
import sys


def show(describe, objects, roofline, top=5):
    gemm = roofline["gemm"]
    rate = gemm["best_gflops_per_second"]
    sizes = ", ".join(f"{n}: {v:.0f}" for n, v in gemm["by_size"].items())
    print(f"roofline of {describe}, {objects} object(s): best ONNX Runtime matmul rate {rate:.0f} GFLOP/s (square n x n, GFLOP/s by n: {sizes})")
    print(f"{'graph':18s} {'calls':>5s} {'s/call':>8s} {'GFLOP/call':>10s} {'GFLOP/s':>8s} {'of best':>7s}  time by operator (GFLOP/s where it counts FLOPs)")
    for name, g in roofline["graphs"].items():
        if g["calls"] == 0:
            continue
        ops = list(g["operators"].items())[:top]
        where = ", ".join(f"{op} {100 * o['time_share']:.0f} %" + (f" ({o['gflops_per_second']:.0f})" if o["gflops_per_second"] > 0 else "") for op, o in ops)
        print(f"{name:18s} {g['calls']:5d} {g['seconds_per_call']:8.3f} {g['gflop_per_call']:10.2f} {g['gflops_per_second']:8.1f} {100 * g['of_best_gemm']:6.1f} %  {where}")


if __name__ == "__main__":
    result = json.loads(open(sys.argv[1]).read())
    print(f"{result['seconds_per_tracked_frame']:.3f} s per tracked frame")
    show(result["describe"], result["objects"], result["roofline"])
