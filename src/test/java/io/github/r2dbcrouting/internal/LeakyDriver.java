package io.github.r2dbcrouting.internal;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;

/**
 * The R2DBC driver {@code leaky}, for tests: it refuses every set of options with an error that repeats them, their
 * password included, in its message and in its cause, as a careless driver might.
 */
public final class LeakyDriver implements ConnectionFactoryProvider {

    @Override
    public ConnectionFactory create(ConnectionFactoryOptions options) {
        Object password = options.getValue(ConnectionFactoryOptions.PASSWORD);
        throw new IllegalArgumentException("leaky cannot log in with " + options + " (password " + password + ")",
                new IllegalStateException("password " + password));
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return getDriver().equals(options.getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return "leaky";
    }
}
