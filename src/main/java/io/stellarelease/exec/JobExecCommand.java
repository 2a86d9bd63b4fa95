package io.stellarelease.exec;

import org.apache.camel.LoggingLevel;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecException;

import java.util.Set;

/** camel-exec's command, plus what it cannot carry itself: the environment and the log file of the job. */
public class JobExecCommand extends ExecCommand {
    private final transient ExecJob job;

    /** The configured job behind a camel-exec command; anything else is refused (commands come only from configuration). */
    public static ExecJob jobOf(ExecCommand command) throws ExecException {
        if (!(command instanceof JobExecCommand jobCommand)) {
            throw new ExecException(
                    "stella-release runs only configured jobs; bind exec endpoints with #execJobBinding", null, null, -1);
        }
        return jobCommand.job();
    }

    public JobExecCommand(ExecJob job) {
        super(job.command().get(0), job.command().subList(1, job.command().size()), job.workingDir().toString(),
                job.timeout().toMillis(), Set.of(), null, job.log().toFile(), false, LoggingLevel.OFF);
        this.job = job;
    }

    public ExecJob job() {
        return job;
    }

    /**
     * The job (stage/name and its configured argument list, no values). camel-exec formats this into a log line at
     * level OFF before and after every command; ExecCommand's own text (every field) was built twice per step for it.
     */
    @Override
    public String toString() {
        return job.toString();
    }
}
