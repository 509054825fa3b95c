package io.github.r2dbcrouting.boot;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link UnknownRoutingPropertyException} into a startup report that names each unknown property, where it
 * was set, and the valid property nearest to it; never a value, since a misspelt password property holds a
 * password.
 */
final class UnknownRoutingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnknownRoutingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownRoutingPropertyException cause) {
        List<String> lines = new ArrayList<>();
        List<String> renames = new ArrayList<>();
        for (UnknownRoutingPropertyException.Unknown unknown : cause.unknown()) {
            lines.add("'" + unknown.name() + "'" + (unknown.origin().isEmpty() ? "" : " (" + unknown.origin() + ")")
                    + " is not a property of r2dbc-routing; the nearest valid one is '" + unknown.nearest() + "'");
            renames.add(unknown.name() + " to " + unknown.nearest());
        }
        boolean one = lines.size() == 1;
        return new FailureAnalysis("Unknown R2DBC routing propert" + (one ? "y" : "ies") + ":\n    "
                + String.join("\n    ", lines),
                "Rename " + String.join(", ", renames) + ", or remove " + (one ? "it" : "them")
                        + ". Every property of r2dbc-routing is listed in its README and its IDE metadata.",
                cause);
    }
}
