package io.stellarelease.exec;

import org.apache.camel.LoggingLevel;
import org.apache.camel.component.exec.ExecCommand;

import java.util.Set;

/** camel-exec's command, plus what it cannot carry itself: the environment and the log file of the job. */
public class JobExecCommand extends ExecCommand {
    private final transient ExecJob job;

    public JobExecCommand(ExecJob job) {
        super(job.command().get(0), job.command().subList(1, job.command().size()), job.workingDir().toString(),
                job.timeout().toMillis(), Set.of(), null, job.log().toFile(), false, LoggingLevel.OFF);
        this.job = job;
    }

    public ExecJob job() {
        return job;
    }
}
