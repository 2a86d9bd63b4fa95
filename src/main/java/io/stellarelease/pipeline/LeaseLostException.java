package io.stellarelease.pipeline;

/**
 * This instance no longer holds the run it was executing: its lease expired (it stalled, or could not reach the
 * store) and another instance may have taken the run over. Nothing more of the run is done or written here.
 */
public class LeaseLostException extends RuntimeException {
    private final String runId;

    public LeaseLostException(String runId) {
        super("run " + runId + ": this instance lost its lease on the run (another instance may have taken it over); "
                + "it stops here without writing anything more");
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }
}
