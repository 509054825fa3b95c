package io.github.r2dbcrouting.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link RoutingStartupCheckException} into a startup report that names each target that could not be
 * connected to and the property to fix.
 */
final class RoutingStartupCheckFailureAnalyzer extends AbstractFailureAnalyzer<RoutingStartupCheckException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RoutingStartupCheckException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
