package io.github.r2dbcrouting.actuate;

import io.github.r2dbcrouting.RoutingConfiguration;
import io.github.r2dbcrouting.internal.Masking;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.jspecify.annotations.Nullable;

/**
 * Where a configured target is, as the {@code routing} endpoint shows it: an R2DBC URL rebuilt from its options
 * with the password as {@code ****}, or the class of a factory the application passed in.
 */
final class TargetDescription {

    private TargetDescription() {
    }

    static String of(RoutingConfiguration.Target target) {
        ConnectionFactory given = target.connectionFactory();
        if (given != null) {
            return "a ConnectionFactory of the application (" + given.getClass().getName() + ")";
        }
        ConnectionFactoryOptions options = target.options();
        if (options == null) {
            return "unknown";
        }
        StringBuilder url = new StringBuilder("r2dbc:").append(value(options, ConnectionFactoryOptions.DRIVER));
        Object protocol = options.getValue(ConnectionFactoryOptions.PROTOCOL);
        if (protocol != null) {
            url.append(':').append(protocol);
        }
        url.append("://");
        Object user = options.getValue(ConnectionFactoryOptions.USER);
        if (user != null) {
            url.append(user);
            if (options.hasOption(ConnectionFactoryOptions.PASSWORD)) {
                url.append(":****");
            }
            url.append('@');
        }
        url.append(value(options, ConnectionFactoryOptions.HOST));
        Object port = options.getValue(ConnectionFactoryOptions.PORT);
        if (port != null) {
            url.append(':').append(port);
        }
        Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
        if (database != null) {
            url.append('/').append(database);
        }
        // Any option that holds a password the user-info does not show is masked as well.
        return Masking.url(url.toString());
    }

    private static String value(ConnectionFactoryOptions options, Option<?> option) {
        @Nullable Object value = options.getValue(option);
        return value == null ? "" : value.toString();
    }
}
