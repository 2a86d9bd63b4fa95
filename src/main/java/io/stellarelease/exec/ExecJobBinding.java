package io.stellarelease.exec;

import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.ExecResult;

/**
 * Binds an {@link ExecJob} message body to camel-exec. The command is taken only from the job (which
 * comes from configuration), never from message headers, so nothing from a request can change what runs.
 */
public class ExecJobBinding implements ExecBinding {

    @Override
    public ExecCommand readInput(Exchange exchange, ExecEndpoint endpoint) {
        ExecJob job = exchange.getMessage().getBody(ExecJob.class);
        if (job == null) {
            throw new IllegalArgumentException("exec step needs an ExecJob body, got "
                    + exchange.getMessage().getBody());
        }
        return new JobExecCommand(job);
    }

    @Override
    public void writeOutput(Exchange exchange, ExecResult result) {
        exchange.getMessage().setHeader(EXEC_EXIT_VALUE, result.getExitValue());
        exchange.getMessage().setBody(result);
    }
}
