package io.github.r2dbcrouting.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidRoutingPropertyException} into a startup report that names the property and says what to
 * change.
 */
final class InvalidRoutingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRoutingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRoutingPropertyException cause) {
        return new FailureAnalysis("Failed to configure the R2DBC routing ConnectionFactory: property '"
                + cause.property() + "': " + cause.getMessage(), cause.action(), cause);
    }
}
