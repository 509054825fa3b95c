package io.github.r2dbcrouting.spring;

import io.github.r2dbcrouting.web.RoutingFilterFunctions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A functional endpoint: a POST that only reads, routed to a replica by a filter function. Its body is subscribed
 * when WebFlux writes the response.
 */
@Configuration(proxyBeanMethods = false)
public class FunctionalRoutes {

    @Bean
    RouterFunction<ServerResponse> functionalWhere(WhereQueries queries) {
        return RouterFunctions.route()
                .POST("/functional/where", request -> ServerResponse.ok().body(queries.where(), Where.class))
                .filter(RoutingFilterFunctions.useReplica())
                .build();
    }
}
