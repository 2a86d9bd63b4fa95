package io.stellarelease.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.TryDefinition;

import java.util.ArrayList;
import java.util.List;

/**
 * The stages a run will go through, read from the pipeline route's model: its {@code to: direct:<stage>}
 * steps in the order the YAML lists them (a {@code doFinally} stage last). The run state only knows
 * stages that have started; this is what lets a reader draw the ones still waiting.
 */
public class PipelinePlan {
    private final CamelContext context;
    private final String pipelineUri;

    public PipelinePlan(CamelContext context, String pipelineUri) {
        this.context = context;
        this.pipelineUri = pipelineUri;
    }

    /** Stage names in pipeline order; empty when no route starts at the pipeline's endpoint. */
    public List<String> stages() {
        return stages(pipelineUri);
    }

    /** The stages of the pipeline entered at {@code pipelineUri} (each kind of run has its own). */
    public List<String> stages(String pipelineUri) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<String> stages = new ArrayList<>();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            FromDefinition from = route.getInput();
            if (from != null && pipelineUri.equals(from.getEndpointUri())) {
                collect(route.getOutputs(), stages);
            }
        }
        return stages;
    }

    private static void collect(List<ProcessorDefinition<?>> outputs, List<String> stages) {
        for (ProcessorDefinition<?> node : outputs) {
            if (node instanceof SendDefinition<?> send) {
                String stage = StageTracker.stageName(send.getEndpointUri());
                if (stage != null && !stages.contains(stage)) {
                    stages.add(stage);
                }
            }
            collect(node.getOutputs(), stages);
            if (node instanceof TryDefinition doTry && doTry.getFinallyClause() != null) {
                collect(doTry.getFinallyClause().getOutputs(), stages); // the finally block runs last, whatever happened
            }
        }
    }
}
