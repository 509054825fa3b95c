package io.github.r2dbcrouting.web;

import io.github.r2dbcrouting.Routing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.EnableWebFlux;
import reactor.core.publisher.Mono;

/**
 * The cluster the filter chooses for a request, as handler code sees it in its Reactor Context: from
 * {@link UseCluster}, else from the {@link RequestCluster} hook, else none (the default cluster).
 */
final class ClusterWebFilterTest {

    private AnnotationConfigApplicationContext context;

    private WebTestClient client(RequestCluster hook) {
        this.context = new AnnotationConfigApplicationContext();
        this.context.registerBean("routingWebFilter", RoutingWebFilter.class, () -> {
            RoutingWebFilter.Builder filter = RoutingWebFilter.builder()
                    .handlerMappings(() -> this.context.getBeanProvider(HandlerMapping.class).orderedStream()
                            .toList());
            return hook == null ? filter.build() : filter.requestCluster(hook).build();
        });
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

    private static Mono<String> where() {
        return Mono.deferContextual(context -> Mono.just(Routing.currentCluster(context) + "/"
                + Routing.currentRoute(context)));
    }

    private static void expect(WebTestClient.ResponseSpec response, String body) {
        response.expectStatus().isOk().expectBody(String.class).isEqualTo(body);
    }

    @Test
    void withoutAnnotationOrHookRequestsUseTheDefaultCluster() {
        WebTestClient client = client(null);
        expect(client.get().uri("/tenants/acme/where").exchange(), "null/REPLICA");
    }

    @Test
    void useClusterOnTheControllerChoosesItsClusterAndTheMethodStillChoosesTheRoute() {
        WebTestClient client = client(null);
        expect(client.get().uri("/billing/where").exchange(), "billing/REPLICA");
        expect(client.post().uri("/billing/where").exchange(), "billing/PRIMARY");
    }

    @Test
    void useClusterOnTheMethodWinsOverTheClassAndTheHook() {
        WebTestClient client = client(RequestCluster.header("X-Tenant"));
        expect(client.get().uri("/billing/analytics").header("X-Tenant", "acme").exchange(), "analytics/REPLICA");
        expect(client.get().uri("/billing/where").header("X-Tenant", "acme").exchange(), "billing/REPLICA");
    }

    @Test
    void headerHookChoosesTheClusterOfUnannotatedHandlers() {
        WebTestClient client = client(RequestCluster.header("X-Tenant"));
        expect(client.post().uri("/tenants/ignored/where").header("X-Tenant", "acme").exchange(), "acme/PRIMARY");
        expect(client.get().uri("/tenants/ignored/where").exchange(), "null/REPLICA");
    }

    @Test
    void pathVariableHookChoosesTheClusterFromTheHandlersMapping() {
        WebTestClient client = client(RequestCluster.pathVariable("tenant"));
        expect(client.get().uri("/tenants/acme/where").exchange(), "acme/REPLICA");
        expect(client.post().uri("/tenants/globex/where").exchange(), "globex/PRIMARY");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebFlux
    @Import({TenantController.class, BillingController.class})
    static class WebConfiguration {
    }

    @RestController
    static class TenantController {

        @GetMapping("/tenants/{tenant}/where")
        Mono<String> read() {
            return where();
        }

        @PostMapping("/tenants/{tenant}/where")
        Mono<String> write() {
            return where();
        }
    }

    @RestController
    @UseCluster("billing")
    static class BillingController {

        @GetMapping("/billing/where")
        Mono<String> read() {
            return where();
        }

        @PostMapping("/billing/where")
        Mono<String> write() {
            return where();
        }

        @GetMapping("/billing/analytics")
        @UseCluster("analytics")
        Mono<String> analytics() {
            return where();
        }
    }
}
