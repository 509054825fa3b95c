package io.github.r2dbcrouting.web;

import java.util.List;

import io.github.r2dbcrouting.Routing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The filter's route as handler code sees it in its Reactor Context, for annotated controllers and functional
 * endpoints.
 */
final class RoutingWebFilterTest {

    private AnnotationConfigApplicationContext context;

    private WebTestClient client(boolean enabled) {
        return client(enabled, false);
    }

    private WebTestClient client(boolean enabled, boolean autoRoute) {
        this.context = new AnnotationConfigApplicationContext();
        this.context.registerBean("routingWebFilter", RoutingWebFilter.class, () -> RoutingWebFilter.builder()
                .enabled(enabled)
                .autoRoute(autoRoute)
                .readMethods(List.of("get", "head", "options", "report"))
                .handlerMappings(() -> this.context.getBeanProvider(HandlerMapping.class).orderedStream().toList())
                .build());
        this.context.register(WebConfiguration.class);
        this.context.refresh();
        return WebTestClient.bindToApplicationContext(this.context).build();
    }

    @AfterEach
    void closeContext() {
        if (this.context != null) {
            this.context.close();
        }
    }

    private static String describe(ContextView context) {
        return Routing.currentRoute(context) + (Routing.currentSession(context) != null ? " sticky" : "");
    }

    private static Mono<String> route() {
        return Mono.deferContextual(context -> Mono.just(describe(context)));
    }

    private static void expectBody(WebTestClient.RequestHeadersSpec<?> request, String body) {
        request.exchange().expectStatus().isOk().expectBody(String.class).isEqualTo(body);
    }

    @Test
    void getRunsOnAStickyReplica() {
        expectBody(client(true).get().uri("/plain"), "REPLICA sticky");
    }

    @Test
    void postRunsOnThePrimaryInAStickyScope() {
        expectBody(client(true).post().uri("/plain"), "PRIMARY sticky");
    }

    @Test
    void configuredReadMethodRunsOnAReplica() {
        expectBody(client(true).method(HttpMethod.valueOf("REPORT")).uri("/plain"), "REPLICA sticky");
    }

    @Test
    void withTheAutoRouteEveryMethodTakesTheAutoRouteAndAnnotationsStillWin() {
        expectBody(client(true, true).get().uri("/plain"), "AUTO sticky");
        this.context.close();
        expectBody(client(true, true).post().uri("/plain"), "AUTO sticky");
        this.context.close();
        expectBody(client(true, true).get().uri("/annotated/primary"), "PRIMARY sticky");
    }

    @Test
    void usePrimaryOnAMethodOverridesGet() {
        expectBody(client(true).get().uri("/annotated/primary"), "PRIMARY sticky");
    }

    @Test
    void useReplicaOnAMethodOverridesPost() {
        expectBody(client(true).post().uri("/annotated/replica"), "REPLICA sticky");
    }

    @Test
    void useReplicaOnAClassOverridesPost() {
        expectBody(client(true).post().uri("/reports/search"), "REPLICA sticky");
    }

    @Test
    void annotationOnAMethodWinsOverItsClass() {
        expectBody(client(true).get().uri("/reports/fresh"), "PRIMARY sticky");
    }

    @Test
    void explicitOperatorInHandlerCodeWinsOverTheFilter() {
        expectBody(client(true).get().uri("/explicit/primary"), "PRIMARY sticky");
    }

    @Test
    void functionalEndpointFilterOverridesTheMethodRuleForHandlerAndBody() {
        expectBody(client(true).post().uri("/functional/replica"), "REPLICA sticky,REPLICA sticky");
        expectBody(client(true).get().uri("/functional/primary"), "PRIMARY sticky,PRIMARY sticky");
    }

    @Test
    void killSwitchSendsReadsToThePrimary() {
        expectBody(client(false).get().uri("/plain"), "PRIMARY sticky");
    }

    @Test
    void killSwitchStillHonoursUseReplica() {
        WebTestClient client = client(false);
        expectBody(client.get().uri("/annotated/replica"), "REPLICA sticky");
        expectBody(client.post().uri("/functional/replica"), "REPLICA sticky,REPLICA sticky");
    }

    @Test
    void unknownPathFallsBackToTheMethodRuleAndStillReturnsNotFound() {
        client(true).get().uri("/nowhere").exchange().expectStatus().isNotFound();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebFlux
    static class WebConfiguration {

        @Bean
        PlainController plainController() {
            return new PlainController();
        }

        @Bean
        AnnotatedController annotatedController() {
            return new AnnotatedController();
        }

        @Bean
        ReportController reportController() {
            return new ReportController();
        }

        @Bean
        RouterFunction<ServerResponse> functionalEndpoints() {
            // The response body is subscribed when WebFlux writes it, after the handler returned.
            RouterFunction<ServerResponse> replica = RouterFunctions.route()
                    .POST("/functional/replica", WebConfiguration::handlerAndBodyRoutes)
                    .filter(RoutingFilterFunctions.useReplica())
                    .build();
            RouterFunction<ServerResponse> primary = RouterFunctions.route()
                    .GET("/functional/primary", WebConfiguration::handlerAndBodyRoutes)
                    .filter(RoutingFilterFunctions.usePrimary())
                    .build();
            return replica.and(primary);
        }

        private static Mono<ServerResponse> handlerAndBodyRoutes(ServerRequest request) {
            return route().flatMap(handlerRoute -> ServerResponse.ok()
                    .body(route().map(bodyRoute -> handlerRoute + "," + bodyRoute), String.class));
        }
    }

    @RestController
    static class PlainController {

        @RequestMapping("/plain")
        Mono<String> plain() {
            return route();
        }

        @GetMapping("/explicit/primary")
        Mono<String> explicitPrimary() {
            return route().contextWrite(Routing.withPrimary());
        }
    }

    @RestController
    @RequestMapping("/annotated")
    static class AnnotatedController {

        @GetMapping("/primary")
        @UsePrimary
        Mono<String> primary() {
            return route();
        }

        @RequestMapping("/replica")
        @UseReplica
        Mono<String> replica() {
            return route();
        }
    }

    @RestController
    @RequestMapping("/reports")
    @UseReplica
    static class ReportController {

        @PostMapping("/search")
        Mono<String> search() {
            return route();
        }

        @GetMapping("/fresh")
        @UsePrimary
        Mono<String> fresh() {
            return route();
        }
    }
}
