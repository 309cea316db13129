package dev.gatehouse.bench;

import java.time.Duration;
import java.util.stream.Stream;

import dev.gatehouse.reliability.Cluster;
import dev.gatehouse.reliability.GatehouseNode;

/**
 * CPU time used so far by the parts of a benchmark on this machine: the Gatehouse nodes, PostgreSQL (the postmaster
 * and its sessions) and this JVM, the load generator. The difference over a run, divided by its sign-ins, is what one
 * sign-in costs each; unlike a rate, that holds up when other work shares the machine.
 */
record CpuUse(double nodesMs, double databaseMs, double generatorMs) {

    static CpuUse now(Cluster cluster) {
        double nodes = cluster.nodes().stream().mapToLong(GatehouseNode::pid).mapToDouble(CpuUse::millis).sum();
        return new CpuUse(nodes, millisWithChildren(cluster.databasePid()), millis(ProcessHandle.current().pid()));
    }

    /** The CPU time per sign-in between {@code before} and this, over {@code signIns}. */
    CpuUse perSignInSince(CpuUse before, int signIns) {
        return new CpuUse((nodesMs - before.nodesMs) / signIns, (databaseMs - before.databaseMs) / signIns,
                (generatorMs - before.generatorMs) / signIns);
    }

    private static double millis(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L) / 1e6;
    }

    /** A session that ended in between takes its CPU time with it: the pools keep theirs open, so few do. */
    private static double millisWithChildren(long pid) {
        return ProcessHandle.of(pid).map(p -> Stream.concat(Stream.of(p), p.descendants())
                .mapToDouble(h -> millis(h.pid())).sum()).orElse(0.0);
    }
}
