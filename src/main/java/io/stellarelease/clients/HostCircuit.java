package io.stellarelease.clients;

import java.util.HashMap;
import java.util.Map;

/**
 * The hosts a stage's requests found refusing connections, shared by those requests (a circuit breaker per host).
 * When a request is refused, it alone goes on retrying (it probes the host) while the stage's other requests to that
 * host wait for its verdict: an answer lets them go, and once the probe has spent its retries on refused connections
 * they fail at once with the probe's reason, instead of each spending its own retry budget on a host known down.
 * One per stage run: a later run (the host may be back) starts with a closed circuit.
 */
public final class HostCircuit {

    private static final class Host {
        Thread prober;
        String down;
    }

    private final Map<String, Host> hosts = new HashMap<>();

    /** The host is known down: requests to it are not sent. The message is the one of the request that found it. */
    static final class HostDown extends Exception {
        HostDown(String message) {
            super(message, null, false, false);
        }
    }

    /** Before an attempt: fails when the host is known down, waits while another request probes it. */
    synchronized void beforeAttempt(String host) throws HostDown, InterruptedException {
        while (true) {
            Host h = hosts.get(host);
            if (h == null) {
                return;
            }
            if (h.down != null) {
                throw new HostDown(h.down);
            }
            if (h.prober == null || h.prober == Thread.currentThread()) {
                return;
            }
            wait();
        }
    }

    /** An attempt was refused: the first request refused becomes the host's probe. */
    synchronized void refused(String host) {
        Host h = hosts.computeIfAbsent(host, k -> new Host());
        if (h.prober == null && h.down == null) {
            h.prober = Thread.currentThread();
        }
    }

    /** The host answered (or the probe ended for another reason): the waiting requests go ahead. */
    synchronized void release(String host) {
        Host h = hosts.get(host);
        if (h != null && h.down == null && (h.prober == null || h.prober == Thread.currentThread())) {
            hosts.remove(host);
            notifyAll();
        }
    }

    /** The probe gave up on refused connections: every later request to the host fails with {@code message}. */
    synchronized void down(String host, String message) {
        Host h = hosts.computeIfAbsent(host, k -> new Host());
        if (h.down == null) {
            h.down = message;
        }
        h.prober = null;
        notifyAll();
    }

    /** Whether this thread is probing {@code host}. */
    synchronized boolean probing(String host) {
        Host h = hosts.get(host);
        return h != null && h.prober == Thread.currentThread();
    }
}
